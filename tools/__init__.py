"""Development tools: the endpoint generator."""
