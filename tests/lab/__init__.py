"""Drive real keepalived in network namespaces and capture its logs (see samples/lab/README.md)."""
