#!/usr/bin/env node
import { runFromProcess } from '../dist/cli/process.js';
process.exitCode = await runFromProcess();
