#!/usr/bin/env node
// The `smoothl1` command. A committed, executable stub: the compiled CLI in dist/ is
// rewritten by every build, which would drop the executable bit npm set at install time.
import '../dist/cli/main.js';
