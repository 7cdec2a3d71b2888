/** How long a worker may take to drain on SIGTERM before it exits anyway (systemd waits 15 s). */
export const SHUTDOWN_GRACE_MS = 10_000;
