"""Liveness and readiness endpoints for load balancers, systemd checks and the test harness."""
