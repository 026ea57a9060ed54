/** Piscina worker running trials (bundled to JS by workers/bundle.ts): matrices come from files. */
import { trialExecutor } from './trial.ts';

export default trialExecutor();
