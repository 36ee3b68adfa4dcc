#!/usr/bin/env bash
# The long soak: sandboxes and Docker containers churned for SECONDS (default 600) while the agent scans
# every second and is scraped and queried; the same checks as the suite's 30 s SoakTest.
#   sudo bench/soak.sh [SECONDS]      (needs dockerd and the image from .ci/test-image.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q test -Dtest=SoakTest -Dnscope.soak.seconds="${1:-600}" -Dsurefire.failIfNoSpecifiedTests=false
grep -h "soak:" target/surefire-reports/*SoakTest*.xml | sed 's/.*\(soak: [^<]*\).*/\1/' | head -1
