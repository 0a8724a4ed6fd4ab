#!/usr/bin/env node
import { loadCli } from './loadCli.js';

const { run, processIo } = await loadCli();
process.exitCode = await run(process.argv.slice(2), processIo());
