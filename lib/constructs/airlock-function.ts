import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { EnvironmentOf, FunctionName } from '../../lambdas/shared/config';
import { BUNDLED_POLICY_FILE, FUNCTION_BUNDLE, handlerEntry, LAMBDA_TASK_ROOT, policyJsonFile, PROJECT_ROOT } from '../function-bundling';
import { acknowledgeNag } from '../nag';

/**
 * A function's environment, typed by the same schema the function reads at cold start
 * (lambdas/shared/config.ts FUNCTION_CONFIG): a missing required setting or a typo is a compile
 * error. The policy file is set by the construct itself.
 */
export type FunctionEnvironment<F extends FunctionName> = Omit<EnvironmentOf<F>, 'AIRLOCK_POLICY'>;

export interface AirlockFunctionProps<F extends FunctionName = FunctionName> {
  /** Entry file name in lambdas/handlers, e.g. `proxy`; also names its configuration schema. */
  handler: F;
  description: string;
  memorySize: number;
  timeout: Duration;
  environment: FunctionEnvironment<F>;
  /** The validated policy file, bundled as JSON; AIRLOCK_POLICY points at the copy. */
  policyPath: string;
  logRetention: RetentionDays;
  logRemovalPolicy: RemovalPolicy;
}

/**
 * One Lambda function the Airlock way: Node.js 22 on ARM64, ESM bundle built by local esbuild
 * (no Docker) with the policy file inside, its own role that can write only its own log group,
 * an explicit log group with retention, X-Ray tracing. Grants are added by the caller.
 */
export class AirlockFunction<F extends FunctionName = FunctionName> extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly timeout: Duration;
  /** The entry point, which also names the configuration schema the function reads. */
  readonly handlerName: F;

  constructor(scope: Construct, id: string, props: AirlockFunctionProps<F>) {
    super(scope, id);
    this.timeout = props.timeout;
    this.handlerName = props.handler;
    const policyJson = policyJsonFile(props.policyPath);
    this.logGroup = new LogGroup(this, 'LogGroup', { retention: props.logRetention, removalPolicy: props.logRemovalPolicy });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Airlock ${props.handler} function`,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: handlerEntry(props.handler),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: Tracing.ACTIVE,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}/package-lock.json`,
      environment: {
        ...props.environment,
        AIRLOCK_POLICY: `${LAMBDA_TASK_ROOT}/${BUNDLED_POLICY_FILE}`,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        ...FUNCTION_BUNDLE,
        externalModules: [...FUNCTION_BUNDLE.externalModules],
        mainFields: [...FUNCTION_BUNDLE.mainFields],
        format: OutputFormat.ESM,
        forceDockerBundling: false,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir, outputDir) => [`cp ${shellQuote(policyJson)} ${shellQuote(`${outputDir}/${BUNDLED_POLICY_FILE}`)}`],
        },
      },
    });
    acknowledgeNag(this.role, {
      'AwsSolutions-IAM5[Resource::*]': 'X-Ray PutTraceSegments/PutTelemetryRecords do not support resource-level permissions.',
    });
    acknowledgeNag(this.fn, {
      'AwsSolutions-L1': 'Airlock targets Node.js 22 (its toolchain, tests and local runtime run on 22); the runtime moves with the toolchain, not alone.',
    });
  }

  /** Sets one setting after construction (a value that exists only once a later construct does), typed like `environment`. */
  setEnvironment(name: keyof FunctionEnvironment<F> & string, value: string): void {
    this.fn.addEnvironment(name, value);
  }
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
