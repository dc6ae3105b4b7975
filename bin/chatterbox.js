#!/usr/bin/env node
// The `chatterbox` command. `npm ci` builds dist/ (the `prepare` script), so this runs compiled code.
import '../dist/cli/chatterbox.js';
