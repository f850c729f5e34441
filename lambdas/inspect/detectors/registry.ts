import type { Detector } from './detector';
import { adobeSecret } from './secrets/adobe-secret';
import { ageSecretKey } from './secrets/age-secret-key';
import { aiVendorKey } from './secrets/ai-vendor-key';
import { alibabaAccessKeyId } from './secrets/alibaba-access-key-id';
import { anthropicApiKey } from './secrets/anthropic-api-key';
import { artifactoryToken } from './secrets/artifactory-token';
import { authorizationHeader } from './secrets/authorization-header';
import { awsAccessKeyId } from './secrets/aws-access-key-id';
import { awsBedrockKey } from './secrets/aws-bedrock-key';
import { azureAdClientSecret } from './secrets/azure-ad-client-secret';
import { cliCredentials } from './secrets/cli-credentials';
import { clojarsToken } from './secrets/clojars-token';
import { cloudflareOriginCaKey } from './secrets/cloudflare-origin-ca-key';
import { databricksToken } from './secrets/databricks-token';
import { definedNetworkingToken } from './secrets/defined-networking-token';
import { digitaloceanToken } from './secrets/digitalocean-token';
import { discordWebhook } from './secrets/discord-webhook';
import { dockerHubToken } from './secrets/docker-hub-token';
import { dopplerToken } from './secrets/doppler-token';
import { duffelToken } from './secrets/duffel-token';
import { dynatraceToken } from './secrets/dynatrace-token';
import { easypostKey } from './secrets/easypost-key';
import { email } from './pii/email';
import { iban } from './pii/iban';
import { paymentCard } from './pii/payment-card';
import { phoneNumber } from './pii/phone-number';
import { usSsn } from './pii/us-ssn';
import { facebookToken } from './secrets/facebook-token';
import { flutterwaveKey } from './secrets/flutterwave-key';
import { flyioToken } from './secrets/flyio-token';
import { frameioToken } from './secrets/frameio-token';
import { gcpApiKey } from './secrets/gcp-api-key';
import { githubFineGrainedToken } from './secrets/github-fine-grained-token';
import { githubToken } from './secrets/github-token';
import { gitlabToken } from './secrets/gitlab-token';
import { gocardlessToken } from './secrets/gocardless-token';
import { googleOauth } from './secrets/google-oauth';
import { grafanaToken } from './secrets/grafana-token';
import { harnessToken } from './secrets/harness-token';
import { herokuKey } from './secrets/heroku-key';
import { huggingfaceToken } from './secrets/huggingface-token';
import { infraVendorToken } from './secrets/infra-vendor-token';
import { infracostKey } from './secrets/infracost-key';
import { intra42Secret } from './secrets/intra42-secret';
import { jwt } from './secrets/jwt';
import { jwtBase64 } from './secrets/jwt-base64';
import { linearKey } from './secrets/linear-key';
import { lobKey } from './secrets/lob-key';
import { mailgunKey } from './secrets/mailgun-key';
import { mapboxToken } from './secrets/mapbox-token';
import { newRelicKey } from './secrets/new-relic-key';
import { notionToken } from './secrets/notion-token';
import { npmToken } from './secrets/npm-token';
import { onepasswordToken } from './secrets/onepassword-token';
import { openaiApiKey } from './secrets/openai-api-key';
import { openshiftToken } from './secrets/openshift-token';
import { perplexityKey } from './secrets/perplexity-key';
import { plaidToken } from './secrets/plaid-token';
import { planetscaleToken } from './secrets/planetscale-token';
import { postmanKey } from './secrets/postman-key';
import { prefectKey } from './secrets/prefect-key';
import { privateKey } from './secrets/private-key';
import { pulumiToken } from './secrets/pulumi-token';
import { pypiToken } from './secrets/pypi-token';
import { readmeKey } from './secrets/readme-key';
import { rubygemsKey } from './secrets/rubygems-key';
import { scalingoToken } from './secrets/scalingo-token';
import { proseCredentials } from './secrets/prose-credentials';
import { secretAssignment } from './secrets/secret-assignment';
import { sendgridApiKey } from './secrets/sendgrid-api-key';
import { sentryToken } from './secrets/sentry-token';
import { settlemintToken } from './secrets/settlemint-token';
import { shippoToken } from './secrets/shippo-token';
import { shopifyToken } from './secrets/shopify-token';
import { slackToken } from './secrets/slack-token';
import { slackWebhook } from './secrets/slack-webhook';
import { sourcegraphToken } from './secrets/sourcegraph-token';
import { squareToken } from './secrets/square-token';
import { stripeKey } from './secrets/stripe-key';
import { teamsWebhook } from './secrets/teams-webhook';
import { telegramBotToken } from './secrets/telegram-bot-token';
import { terraformCloudToken } from './secrets/terraform-cloud-token';
import { twilioApiKey } from './secrets/twilio-api-key';
import { twitterBearerToken } from './secrets/twitter-bearer-token';
import { typeformToken } from './secrets/typeform-token';
import { urlCredentials } from './secrets/url-credentials';
import { vaultToken } from './secrets/vault-token';
import { yandexCredential } from './secrets/yandex-credential';

/** Every built-in detector, by id (its type unless two share one). Policy switches them by type or category. */
export const DETECTORS: Readonly<Record<string, Detector>> = Object.fromEntries(
  [
    awsAccessKeyId,
    githubToken,
    githubFineGrainedToken,
    slackToken,
    slackWebhook,
    stripeKey,
    openaiApiKey,
    anthropicApiKey,
    privateKey,
    jwt,
    jwtBase64,
    azureAdClientSecret,
    telegramBotToken,
    npmToken,
    pypiToken,
    dockerHubToken,
    huggingfaceToken,
    digitaloceanToken,
    shopifyToken,
    sendgridApiKey,
    twilioApiKey,
    gcpApiKey,
    googleOauth,
    gitlabToken,
    vaultToken,
    terraformCloudToken,
    sentryToken,
    cloudflareOriginCaKey,
    ageSecretKey,
    flyioToken,
    harnessToken,
    planetscaleToken,
    onepasswordToken,
    databricksToken,
    dopplerToken,
    dynatraceToken,
    easypostKey,
    postmanKey,
    prefectKey,
    pulumiToken,
    readmeKey,
    rubygemsKey,
    linearKey,
    newRelicKey,
    notionToken,
    sourcegraphToken,
    typeformToken,
    shippoToken,
    grafanaToken,
    perplexityKey,
    settlemintToken,
    infracostKey,
    scalingoToken,
    mailgunKey,
    lobKey,
    gocardlessToken,
    clojarsToken,
    duffelToken,
    flutterwaveKey,
    frameioToken,
    definedNetworkingToken,
    alibabaAccessKeyId,
    artifactoryToken,
    awsBedrockKey,
    openshiftToken,
    yandexCredential,
    facebookToken,
    twitterBearerToken,
    squareToken,
    adobeSecret,
    mapboxToken,
    herokuKey,
    aiVendorKey,
    infraVendorToken,
    intra42Secret,
    teamsWebhook,
    discordWebhook,
    authorizationHeader,
    urlCredentials,
    cliCredentials,
    plaidToken,
    secretAssignment,
    proseCredentials,
    email,
    paymentCard,
    usSsn,
    phoneNumber,
    iban,
  ].map((d) => [d.id ?? d.type, d]),
);
