"""postdrop's tooling: the CLI and the embedded local runner. Not deployed in the layer."""
