// Entry point for `pulumi up` with the Node language host (see Pulumi.yaml).
import { program } from './program';

export = program();
