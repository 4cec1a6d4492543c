#!/usr/bin/env bash
# An interpreter workload: Python generates a few MB of records, dumps them to JSON, parses them
# back, sorts and aggregates. PYTHONMALLOC=malloc sends every Python object through malloc.
command -v python3 >/dev/null || { echo "python3 not installed" >&2; exit 77; }
export PYTHONMALLOC=malloc PYTHONHASHSEED=0
exec python3 - <<'PYTHON'
import hashlib, json, random

random.seed(1234)
letters = "abcdefghijklmnopqrstuvwxyz"
records = [
    {
        "id": i,
        "name": "".join(random.choice(letters) for _ in range(random.randint(3, 24))),
        "score": round(random.random() * 1000, 6),
        "tags": [random.randint(0, 99) for _ in range(random.randint(0, 12))],
        "nested": {"pair": [i, str(i) * (i % 7)], "empty": None, "flag": i % 3 == 0},
    }
    for i in range(15000)
]
text = json.dumps(records, sort_keys=True)
parsed = json.loads(text)
parsed.sort(key=lambda record: (record["name"], -record["score"]))
pretty = json.dumps(parsed, indent=2, sort_keys=True)
print("compact bytes", len(text), "pretty bytes", len(pretty))
print("sha256", hashlib.sha256(pretty.encode()).hexdigest())
by_tag = {}
for record in parsed:
    for tag in record["tags"]:
        by_tag.setdefault(tag, []).append(record["score"])
for tag in sorted(by_tag)[:10]:
    scores = by_tag[tag]
    print("tag", tag, "count", len(scores), "mean", round(sum(scores) / len(scores), 3))
for record in parsed[:3]:
    print(json.dumps(record, sort_keys=True))
PYTHON
