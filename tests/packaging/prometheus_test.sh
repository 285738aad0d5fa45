#!/usr/bin/env bash
# The sample Prometheus files in packaging/prometheus/ (README "Monitoring"): with promtool
# (Debian package prometheus) the scrape config and the rules are checked and the rules' unit
# tests (linli-alerts.test.yml) run; without it the files are at least parsed as YAML and
# their shape checked (every rule an alert with expr, labels.severity and a summary). Skipped
# (77) when neither promtool nor python3 with PyYAML is there.
set -euo pipefail
dir="$1/packaging/prometheus"
fail() { echo "prometheus_test: $*" >&2; exit 1; }
[[ -f $dir/prometheus.yml && -f $dir/linli-alerts.yml && -f $dir/linli-alerts.test.yml ]] ||
  fail "missing files in $dir"

if command -v promtool > /dev/null; then
  (cd "$dir" && promtool check config prometheus.yml && promtool check rules linli-alerts.yml &&
     promtool test rules linli-alerts.test.yml) || fail "promtool refused the files"
  echo "prometheus_test: promtool checked the config, the rules and their tests"
  exit 0
fi
if ! python3 -c 'import yaml' 2> /dev/null; then
  echo "prometheus_test: SKIPPED - neither promtool nor python3 yaml is installed" >&2
  exit 77
fi
python3 - "$dir" << 'PY'
import sys, yaml
d = sys.argv[1]
def load(name):
    with open(f"{d}/{name}", encoding="utf-8") as f:
        return yaml.safe_load(f)
prom = load("prometheus.yml")
assert "linli-alerts.yml" in prom["rule_files"], "prometheus.yml does not load linli-alerts.yml"
jobs = {c["job_name"]: c for c in prom["scrape_configs"]}
assert jobs["linli"]["metrics_path"] == "/metrics", "job linli must scrape /metrics"
rules = load("linli-alerts.yml")
names = set()
for group in rules["groups"]:
    for rule in group["rules"]:
        name = rule["alert"]
        assert rule["expr"].strip(), f"{name}: empty expr"
        assert rule["labels"]["severity"] in ("warning", "critical"), f"{name}: severity"
        assert rule["annotations"]["summary"], f"{name}: no summary"
        names.add(name)
for wanted in ("LinliOutboxBacklog", "LinliDeadLetters", "LinliTicketsOverdue",
               "LinliWebhook5xxRate", "LinliJobFailing"):
    assert wanted in names, f"missing alert {wanted}"
tested = {t["alertname"] for case in load("linli-alerts.test.yml")["tests"]
          for t in case["alert_rule_test"]}
assert names <= tested, f"alerts without a test: {sorted(names - tested)}"
print(f"prometheus_test: YAML parsed, {len(names)} alerts shaped right (PromQL not checked: "
      "no promtool)")
PY
