/**
 * Recorded AWS responses: a small HTTP server on 127.0.0.1 that answers STS, SNS and CloudWatch
 * requests with response bodies shaped exactly as AWS sends them (the Query protocol's XML for
 * STS and SNS, JSON 1.0 for CloudWatch), filled from a scenario. The local RGW serves none of
 * these APIs; the check-deployment tests point AWS_ENDPOINT_URL_STS / _SNS / _CLOUDWATCH here.
 * Signatures are not verified; the caller is told apart by the access key of its signature.
 * Shapes: https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html,
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html,
 * https://docs.aws.amazon.com/sns/latest/api/API_ListSubscriptionsByTopic.html,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedSubscription {
  readonly protocol: string;
  readonly endpoint: string;
  /** A subscription ARN, or 'PendingConfirmation'. */
  readonly subscriptionArn: string;
}

export interface RecordedAlarm {
  readonly actions: readonly string[];
  readonly actionsEnabled?: boolean;
  readonly state?: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
}

export interface AwsScenario {
  /** Access key id -> the identity GetCallerIdentity answers. */
  readonly identities: Readonly<Record<string, { account: string; arn: string }>>;
  /** Access keys STS answers with InvalidClientTokenId (revoked or made-up keys). */
  readonly invalidKeys?: readonly string[];
  /** Role ARN -> the credentials AssumeRole hands out; absent roles answer AccessDenied. */
  readonly roles?: Readonly<Record<string, { accessKeyId: string; secretAccessKey: string }>>;
  readonly alarms?: Readonly<Record<string, RecordedAlarm>>;
  readonly subscriptions?: Readonly<Record<string, readonly RecordedSubscription[]>>;
  /** Hourly sums of OperationsFailedReplication that GetMetricData answers. */
  readonly failedReplications?: readonly number[];
  /** Actions answered with AccessDenied (e.g. 'DescribeAlarms', 'GetMetricData'). */
  readonly denied?: readonly string[];
  /** HeadBucket answers 404 for these buckets. */
  readonly missingBuckets?: readonly string[];
  /** HeadBucket answers 301 with x-amz-bucket-region, bucket -> its real region. */
  readonly bucketRegions?: Readonly<Record<string, string>>;
}

export interface RecordedAws {
  readonly url: string;
  /** Every action asked, in order (`sts:AssumeRole`, `monitoring:DescribeAlarms`, ...). */
  readonly calls: string[];
  scenario: AwsScenario;
  close(): Promise<void>;
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function queryError(code: string, message: string, status: number) {
  return {
    status,
    type: 'text/xml',
    body: `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>recorded</RequestId></ErrorResponse>`,
  };
}

const xmlResponse = (action: string, namespace: string, result: string) => ({
  status: 200,
  type: 'text/xml',
  body: `<${action}Response xmlns="${namespace}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>recorded</RequestId></ResponseMetadata></${action}Response>`,
});

type Answer = { status: number; type: string; body: string };

function sts(scenario: AwsScenario, params: URLSearchParams, accessKey: string): Answer {
  const ns = 'https://sts.amazonaws.com/doc/2011-06-15/';
  if (scenario.invalidKeys?.includes(accessKey)) {
    return queryError(
      'InvalidClientTokenId',
      'The security token included in the request is invalid.',
      403,
    );
  }
  const action = params.get('Action');
  if (action === 'GetCallerIdentity') {
    const identity = scenario.identities[accessKey];
    if (identity === undefined) {
      return queryError(
        'InvalidClientTokenId',
        'The security token included in the request is invalid.',
        403,
      );
    }
    return xmlResponse(
      action,
      ns,
      `<Arn>${identity.arn}</Arn><UserId>AIDARECORDED</UserId><Account>${identity.account}</Account>`,
    );
  }
  if (action === 'AssumeRole') {
    const roleArn = params.get('RoleArn') ?? '';
    const credentials = scenario.roles?.[roleArn];
    const caller = scenario.identities[accessKey]?.arn ?? accessKey;
    if (credentials === undefined) {
      return queryError(
        'AccessDenied',
        `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
        403,
      );
    }
    const expiration = new Date(Date.now() + 3_600_000).toISOString();
    return xmlResponse(
      action,
      ns,
      `<Credentials><AccessKeyId>${credentials.accessKeyId}</AccessKeyId><SecretAccessKey>${credentials.secretAccessKey}</SecretAccessKey><Expiration>${expiration}</Expiration></Credentials>` +
        `<AssumedRoleUser><Arn>${roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/check</Arn><AssumedRoleId>AROARECORDED:check</AssumedRoleId></AssumedRoleUser>`,
    );
  }
  return queryError('InvalidAction', `recorded responses have no ${action}`, 400);
}

function sns(scenario: AwsScenario, params: URLSearchParams): Answer {
  const action = params.get('Action');
  if (scenario.denied?.includes(action ?? '')) {
    return queryError('AuthorizationError', `not authorized to perform: sns:${action}`, 403);
  }
  if (action !== 'ListSubscriptionsByTopic') {
    return queryError('InvalidAction', `recorded responses have no ${action}`, 400);
  }
  const topicArn = params.get('TopicArn') ?? '';
  const subscriptions = scenario.subscriptions?.[topicArn];
  if (subscriptions === undefined) return queryError('NotFound', 'Topic does not exist', 404);
  const members = subscriptions
    .map(
      (s) =>
        `<member><TopicArn>${topicArn}</TopicArn><Protocol>${s.protocol}</Protocol><SubscriptionArn>${s.subscriptionArn}</SubscriptionArn><Owner>${topicArn.split(':')[4]}</Owner><Endpoint>${escapeXml(s.endpoint)}</Endpoint></member>`,
    )
    .join('');
  return xmlResponse(
    action,
    'http://sns.amazonaws.com/doc/2010-03-31/',
    `<Subscriptions>${members}</Subscriptions>`,
  );
}

function cloudwatch(scenario: AwsScenario, target: string, input: Record<string, unknown>): Answer {
  const action = target.split('.').pop() ?? '';
  const json = (status: number, body: unknown) => ({
    status,
    type: 'application/x-amz-json-1.0',
    body: JSON.stringify(body),
  });
  if (scenario.denied?.includes(action)) {
    return json(403, {
      __type: 'com.amazon.coral.service#AccessDeniedException',
      Message: `User is not authorized to perform: cloudwatch:${action}`,
    });
  }
  if (action === 'DescribeAlarms') {
    const names = (input.AlarmNames as string[] | undefined) ?? [];
    const alarms = names
      .filter((name) => scenario.alarms?.[name] !== undefined)
      .map((name) => {
        const alarm = scenario.alarms?.[name] as RecordedAlarm;
        return {
          AlarmName: name,
          AlarmArn: `arn:aws:cloudwatch:us-east-1:000000000000:alarm:${name}`,
          ActionsEnabled: alarm.actionsEnabled ?? true,
          AlarmActions: alarm.actions,
          OKActions: alarm.actions,
          StateValue: alarm.state ?? 'OK',
        };
      });
    return json(200, { MetricAlarms: alarms, CompositeAlarms: [] });
  }
  if (action === 'GetMetricData') {
    const values = scenario.failedReplications ?? [];
    const now = Math.floor(Date.now() / 1000);
    return json(200, {
      MetricDataResults: [
        {
          Id: 'failed',
          Label: 'OperationsFailedReplication',
          Timestamps: values.map((_, i) => now - 3600 * (i + 1)),
          Values: values,
          StatusCode: 'Complete',
        },
      ],
      Messages: [],
    });
  }
  return json(400, { __type: 'InvalidAction', Message: `recorded responses have no ${action}` });
}

export async function startRecordedAws(scenario: AwsScenario): Promise<RecordedAws> {
  const calls: string[] = [];
  const state: { scenario: AwsScenario } = { scenario };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const authorization = String(request.headers.authorization ?? '');
      const [, accessKey = '', service = ''] =
        /Credential=([^/]+)\/\d+\/[^/]+\/([^/]+)\//.exec(authorization) ?? [];
      let answer: Answer;
      const target = String(request.headers['x-amz-target'] ?? '');
      if (target !== '') {
        calls.push(`${service}:${target.split('.').pop()}`);
        answer = cloudwatch(
          state.scenario,
          target,
          JSON.parse(body || '{}') as Record<string, unknown>,
        );
      } else if (request.method === 'HEAD') {
        // A HeadBucket of the preflight, for tests that run without the S3 server.
        const bucket = decodeURIComponent((request.url ?? '/').split('/')[1].split('?')[0]);
        calls.push(`${service}:HeadBucket`);
        const region = state.scenario.bucketRegions?.[bucket];
        const missing = state.scenario.missingBuckets?.includes(bucket) === true;
        response.writeHead(region ? 301 : missing ? 404 : 200, {
          ...(region ? { 'x-amz-bucket-region': region } : {}),
        });
        response.end();
        return;
      } else {
        const params = new URLSearchParams(body);
        calls.push(`${service}:${params.get('Action')}`);
        answer =
          service === 'sns' ? sns(state.scenario, params) : sts(state.scenario, params, accessKey);
      }
      response.writeHead(answer.status, { 'content-type': answer.type });
      response.end(request.method === 'HEAD' ? undefined : answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    get scenario() {
      return state.scenario;
    },
    set scenario(next: AwsScenario) {
      state.scenario = next;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
