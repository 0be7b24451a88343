// A stand-in for Pulumi's Node language host (`pulumi-language-nodejs`), for machines that cannot
// build the official one: its Go module is not served by the module proxy these machines reach
// (docs/engine.md, "The Node language host stand-in"). The CLI starts it for every `pulumi
// preview/up/refresh/destroy` of a `runtime: nodejs` project; it serves the LanguageRuntime gRPC
// service and runs the program with @pulumi/pulumi's own runner (`@pulumi/pulumi/cmd/run`), started
// exactly as the official host starts it. The protocol facts it follows were read from the engine's
// source (pkg/v3@v3.274.1) and the official host's, then checked against that CLI with -v=9;
// docs/engine.md restates them.
//
// scripts/install-pulumi bundles this file (tools/language-host/build.ts) into one JS file in the
// machine cache, with a `pulumi-language-nodejs` wrapper beside the `pulumi` binary.
//
// Usage (by the engine): pulumi-language-nodejs [--logtostderr] [-v=N] [--tracing URL] ENGINE_ADDRESS
import { spawn, type ChildProcess } from 'child_process';
import { createRequire } from 'module';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import { Empty } from 'google-protobuf/google/protobuf/empty_pb';
import { LanguageRuntimeService, type ILanguageRuntimeServer } from '@pulumi/pulumi/proto/language_grpc_pb';
import {
  AboutResponse,
  GetRequiredPackagesResponse,
  GetRequiredPluginsResponse,
  RunResponse,
  type ProgramInfo,
  type RunRequest,
} from '@pulumi/pulumi/proto/language_pb';
import { PluginInfo } from '@pulumi/pulumi/proto/plugin_pb';
import { version as sdkVersion } from '@pulumi/pulumi/package.json';
import { parseRuntimeOptions, ProgramSetupError, runnerArgs, runnerEnv, runOutcome, type ProgramRun } from './program';

/** How long a program gets between SIGINT and SIGKILL, as the engine gives its plugins. */
const KILL_AFTER_MS = 5000;
/**
 * The official host checks this often that the engine is still there, and exits when it is not.
 * SFB_LANGUAGE_HOST_HEALTHCHECK_MS shortens it for the test of a killed CLI (one minute at least
 * would be unbearable there); nobody else needs to set it.
 */
const ENGINE_HEALTHCHECK_MS = Number(process.env.SFB_LANGUAGE_HOST_HEALTHCHECK_MS) || 5 * 60 * 1000;
/** Pulumi's own limit for gRPC messages (large stack config travels in RunRequest). */
const MAX_MESSAGE_BYTES = 400 * 1024 * 1024;
/** Set by the engine's own tests and by developers to run another copy of the SDK's runner. */
const RUN_PATH_OVERRIDE = 'PULUMI_LANGUAGE_NODEJS_RUN_PATH';

interface HostArgs {
  engineAddress: string;
  tracing: string;
  verbose: boolean;
}

/** The engine's argv: Go-style flags (one or two dashes, `=value` or a separate value), then the engine address. */
function parseHostArgs(argv: string[]): HostArgs {
  const positional: string[] = [];
  let tracing = '';
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    const [flag = '', inline] = arg.replace(/^--?/, '').split(/=(.*)/s, 2);
    // Only flags that take a value may consume the next argument; boolean flags never do.
    const takesValue = ['tracing', 'root', 'tsconfig', 'nodeargs', 'packagemanager', 'binary', 'v'].includes(flag);
    const value = inline ?? (takesValue ? (argv[++i] ?? '') : 'true');
    if (flag === 'tracing') tracing = value;
    if (flag === 'v' && Number(value) > 0) verbose = true;
  }
  const engineAddress = positional[positional.length - 1];
  if (!engineAddress) {
    process.stderr.write('pulumi-language-nodejs: missing the engine address (the last argument); it is started by the Pulumi CLI.\n');
    process.exit(2);
  }
  return { engineAddress, tracing, verbose };
}

const hostArgs = parseHostArgs(process.argv.slice(2));

function debug(message: string): void {
  // Anything on stderr becomes an engine diagnostic, so only when the user asked for -v.
  if (hostArgs.verbose) process.stderr.write(`pulumi-language-nodejs: ${message}\n`);
}

/** Programs started by Run and not yet exited. */
const running = new Set<ChildProcess>();

/** SIGINT to every running program, SIGKILL to those still running 5 s later. */
function stopPrograms(): Promise<void> {
  const children = [...running];
  return Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGINT');
        }),
    ),
  ).then(() => undefined);
}

function programInfo(req: RunRequest): { info: ProgramInfo | undefined; options: Record<string, unknown> | undefined } {
  const info = req.getInfo();
  const options = info?.getOptions()?.toJavaScript() as Record<string, unknown> | undefined;
  return { info, options };
}

function toProgramRun(req: RunRequest): ProgramRun {
  const { info, options } = programInfo(req);
  // Engines older than ProgramInfo sent only pwd and program; v3.274.1 always sends info.
  const programDirectory = info?.getProgramDirectory() || req.getPwd();
  const config: Record<string, string> = {};
  req.getConfigMap().forEach((value, key) => {
    config[key] = value;
  });
  return {
    monitorAddress: req.getMonitorAddress(),
    engineAddress: hostArgs.engineAddress,
    organization: req.getOrganization(),
    project: req.getProject(),
    stack: req.getStack(),
    rootDirectory: info?.getRootDirectory() || programDirectory,
    programDirectory,
    entryPoint: info ? info.getEntryPoint() : req.getProgram(),
    dryRun: req.getDryrun(),
    parallel: req.getParallel(),
    tracing: hostArgs.tracing,
    args: req.getArgsList(),
    config,
    configSecretKeys: req.getConfigsecretkeysList(),
    options: parseRuntimeOptions(options),
  };
}

/** `@pulumi/pulumi/cmd/run` as the program's own node_modules (or NODE_PATH) resolves it. */
function runnerScript(programDirectory: string): string {
  const override = process.env[RUN_PATH_OVERRIDE];
  if (override) return override;
  try {
    return createRequire(path.join(programDirectory, 'package.json')).resolve('@pulumi/pulumi/cmd/run');
  } catch {
    throw new ProgramSetupError(
      `It looks like the Pulumi SDK has not been installed: @pulumi/pulumi/cmd/run cannot be resolved from ${programDirectory}. ` +
        'Run `npm install` (or yarn/pnpm install) in the program directory.',
    );
  }
}

/** Runs the program to its end and maps its exit status onto a RunResponse. */
function runProgram(run: ProgramRun): Promise<RunResponse> {
  const argv = [...run.options.nodeargs, runnerScript(run.programDirectory), ...runnerArgs(run)];
  debug(`running ${process.execPath} ${argv.join(' ')} in ${run.programDirectory}`);
  return new Promise((resolve) => {
    const response = new RunResponse();
    // Same process group as the host: when the engine ends the host's group, the program goes too.
    const child = spawn(process.execPath, argv, {
      cwd: run.programDirectory,
      env: { ...process.env, ...runnerEnv(run) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    running.add(child);
    child.once('error', (err) => {
      running.delete(child);
      resolve(response.setError(`Problem executing program (could not run language executor): ${err.message}`));
    });
    child.once('exit', (code, signal) => {
      running.delete(child);
      debug(`program exited with code ${code} signal ${signal}`);
      const outcome = runOutcome(code);
      resolve(response.setError(outcome.error).setBail(outcome.bail));
    });
  });
}

const handlers: Partial<ILanguageRuntimeServer> = {
  getPluginInfo(_call, callback) {
    // The engine parses this as semver; the SDK's version is the meaningful one here (see docs).
    callback(null, new PluginInfo().setVersion(sdkVersion));
  },
  getRequiredPlugins(_call, callback) {
    // Plugins are installed by hand on these machines (automatic acquisition is off): none to report.
    callback(null, new GetRequiredPluginsResponse());
  },
  getRequiredPackages(_call, callback) {
    callback(null, new GetRequiredPackagesResponse());
  },
  about(_call, callback) {
    callback(null, new AboutResponse().setExecutable(process.execPath).setVersion(process.versions.node));
  },
  run(call, callback) {
    let run: ProgramRun;
    try {
      run = toProgramRun(call.request);
      runProgram(run).then(
        (response) => callback(null, response),
        (err: unknown) => callback(null, new RunResponse().setError(String(err))),
      );
    } catch (err) {
      if (err instanceof ProgramSetupError) return callback(null, new RunResponse().setError(err.message));
      callback({ code: grpc.status.INTERNAL, details: String(err) });
    }
  },
  cancel(_call, callback) {
    void stopPrograms();
    callback(null, new Empty());
  },
};

/** Exits when the engine no longer answers, so a host orphaned by a killed CLI does not linger. */
function watchEngine(engineAddress: string): void {
  const client = new grpc.Client(engineAddress, grpc.credentials.createInsecure());
  const identity = (b: Buffer): Buffer => b;
  const timer = setInterval(() => {
    const deadline = Date.now() + 30_000;
    // An empty HealthCheckRequest; only "nobody listens" means the engine is gone.
    client.makeUnaryRequest('/grpc.health.v1.Health/Check', identity, identity, Buffer.alloc(0), { deadline }, (err) => {
      if (err?.code === grpc.status.UNAVAILABLE) {
        debug(`the engine at ${engineAddress} is gone (${err.details}); exiting`);
        void shutdown(1);
      }
    });
  }, ENGINE_HEALTHCHECK_MS);
  timer.unref();
}

let server: grpc.Server | undefined;
let shuttingDown = false;

async function shutdown(exitCode: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  await stopPrograms();
  server?.forceShutdown();
  process.exit(exitCode);
}

function main(): void {
  // The engine ends plugins with SIGINT to their process group, then SIGKILL after 5 s: stop the
  // programs first so none outlives the host.
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  server = new grpc.Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  });
  // Methods left out (InstallDependencies, Template, Pack, Link, Generate*...) answer UNIMPLEMENTED,
  // which the engine accepts for preview/up/refresh/destroy.
  server.addService(LanguageRuntimeService, handlers as ILanguageRuntimeServer);
  server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
    if (err) {
      process.stderr.write(`pulumi-language-nodejs: cannot listen on 127.0.0.1: ${err.message}\n`);
      process.exit(1);
    }
    // The engine reads the port from the first line of stdout.
    process.stdout.write(`${port}\n`);
    watchEngine(hostArgs.engineAddress);
  });
}

main();
