/** runners/registry.ts: names, lazy factories of the real runner modules, and clear errors. */
import { describe, expect, it } from 'vitest';
import { createRunner, describeRunners, runnerNames, RunnerOptionsError, UnknownRunnerError } from '../../runners/registry.js';

describe('runner registry', () => {
  it('knows the six runners and describes each on one line', () => {
    expect(runnerNames()).toEqual(['cpu', 'onnxruntime', 'exec', 'module', 'ascend-sim', 'webgpu']);
    const lines = describeRunners().split('\n');
    expect(lines).toHaveLength(6);
    for (const [i, name] of runnerNames().entries()) expect(lines[i].trim().startsWith(name + ' ')).toBe(true);
  });

  it('creates the cpu and onnxruntime runners from their modules', async () => {
    const cpu = await createRunner('cpu');
    expect([cpu.name, cpu.nativeProfile]).toEqual(['cpu', 'cpu']);
    const ort = await createRunner('onnxruntime', {});
    expect(ort.name).toBe('onnxruntime');
    await ort.close?.();
  });

  it('an unknown name is an UnknownRunnerError that lists the known runners', async () => {
    const e = await createRunner('CPU').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UnknownRunnerError);
    expect((e as Error).message).toBe("unknown runner 'CPU'; known runners: cpu, onnxruntime, exec, module, ascend-sim, webgpu");
    // not fooled by names inherited from Object.prototype
    await expect(createRunner('toString')).rejects.toBeInstanceOf(UnknownRunnerError);
  });

  it('exec without a command and module without a path are RunnerOptionsErrors naming the option', async () => {
    await expect(createRunner('exec', {})).rejects.toThrow(new RunnerOptionsError("runner 'exec' needs command (--command)"));
    await expect(createRunner('exec', { command: '  ' })).rejects.toBeInstanceOf(RunnerOptionsError);
    await expect(createRunner('module', {})).rejects.toThrow(/runner 'module' needs modulePath \(--module\)/);
  });
});
