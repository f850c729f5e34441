import { addAirlockStacks, addNagChecks, newAirlockApp } from '../lib/airlock-app';
import { DeployConfigError, loadDeployment } from '../lib/config';

const app = newAirlockApp();
try {
  addAirlockStacks(app, loadDeployment((key) => app.node.tryGetContext(key)));
} catch (err) {
  if (!(err instanceof DeployConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
addNagChecks(app);
app.synth();
