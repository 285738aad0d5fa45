#!/bin/bash
# Fills a Linli SQLite database for the scale-with-data measurements (bench/README.md, "Scale
# with data"): the schema comes from the real binary (`linli migrate`), then large INSERT ...
# SELECT transactions from recursive CTEs add
#   TICKETS tickets (default 1,000,000) over six buildings x three units, the eight default
#     categories, every status and tier, created over the last three years in id order, each
#     with its "created" event and status events for the way it went (2-3 events per ticket);
#   RESIDENTS residents (default 100,000): persons, a Telegram identity each (a fifth also on
#     WeChat), roster households (about 0.6 per resident) and their bindings;
#   CONVERSATIONS dialog-state rows (default 1,000,000): one per resident's private chat, the
#     rest other users' chats; a tenth mid report flow, the rest idle; all touched in the last
#     20 minutes (the retention job prunes dialogs idle for 30).
# Refuses a database that already has tickets. "0 0 0" makes the schema only (the empty
# database the figures are compared with).
#
# usage: bench/seed.sh DB [TICKETS] [RESIDENTS] [CONVERSATIONS]
#   env LINLI_BIN (default build/bot/server/linli), SEED_NOW_MS (default: now; the newest ticket's time)
# It also writes DB.json, a config for `linli serve`/CLI commands on that database (port
# SEED_PORT, default 0; a Telegram channel "telegram" with secret "bench-secret" whose Bot API
# is SEED_API, default http://127.0.0.1:9), the same shape as ../shared/bench/peers/linli, plus
# the admin API key "bench-admin-token-0123456789abcdef" and a staff group taking the digest.
set -euo pipefail

DB=${1:?usage: seed.sh DB [TICKETS] [RESIDENTS] [CONVERSATIONS]}
TICKETS=${2:-1000000}
RESIDENTS=${3:-100000}
CONVERSATIONS=${4:-1000000}
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=${LINLI_BIN:-$HERE/../build/bot/server/linli}
NOW_MS=${SEED_NOW_MS:-$(($(date +%s) * 1000))}
[[ -x $BIN ]] || { echo "seed.sh: no linli binary at $BIN (set LINLI_BIN)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "seed.sh: needs the sqlite3 command" >&2; exit 2; }
EMPTY=0
((TICKETS == 0 && RESIDENTS == 0 && CONVERSATIONS == 0)) && EMPTY=1  # the schema only
((EMPTY || (RESIDENTS >= 1 && TICKETS >= 1 && CONVERSATIONS >= RESIDENTS))) ||
  { echo "seed.sh: need TICKETS >= 1, RESIDENTS >= 1 and CONVERSATIONS >= RESIDENTS (or 0 0 0)" >&2; exit 2; }

CONFIG=$DB.json
DB_ABS=$(cd "$(dirname "$DB")" && pwd)/$(basename "$DB")
python3 - "$DB_ABS" "${SEED_PORT:-0}" "${SEED_API:-http://127.0.0.1:9}" "${SEED_SYNC:-FULL}" \
  "$HERE/../config/locales" > "$CONFIG" <<'PY'
import json, sys
db, port, api, sync, locales = sys.argv[1:6]
print(json.dumps({
  "server": {"host": "127.0.0.1", "port": int(port)},
  "storage": {"backend": "sqlite", "sqlite": {"path": db, "synchronous": sync}},
  "locale_dir": locales,
  "channels": [{"name": "telegram", "type": "telegram", "token": "123456:bench-token",
                "secret_token": "bench-secret", "api_base": api}],
  "compound": {"name": "bench", "buildings": [{"id": str(b), "units": ["1", "2", "3"]}
                                              for b in range(1, 7)]},
  "staff": [], "logging": {"level": "warn"},
  "admin": {"api_token": "bench-admin-token-0123456789abcdef"},
  "groups": [{"name": "staff", "channel": "telegram", "chat_id": "-100", "posts": ["digest"]}],
}, ensure_ascii=False))
PY

start=$(date +%s.%N)
"$BIN" migrate --config "$CONFIG" >/dev/null
existing=$(sqlite3 "$DB" 'SELECT COUNT(*) FROM tickets')
((existing == 0)) || { echo "seed.sh: $DB already has $existing tickets" >&2; exit 1; }
if ((EMPTY)); then echo "seed.sh: $DB has the schema and no rows; config $CONFIG"; exit 0; fi

DAY=86400000
SPAN=$((3 * 365 * DAY))          # tickets and persons spread over three years
T0=$((NOW_MS - SPAN))
HOUSEHOLDS=$(((RESIDENTS * 3 + 4) / 5))

# One transaction per table (WAL, synchronous OFF while loading: a crash means seeding again).
sqlite3 -bail "$DB" >/dev/null <<SQL
PRAGMA synchronous = OFF;
PRAGMA cache_size = -262144;
PRAGMA temp_store = MEMORY;

BEGIN;
-- Households: building 1-6, unit 1-3, room <floor><door> (4 doors a floor).
WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < $HOUSEHOLDS)
INSERT INTO households (id, building, unit, room, area_m2, owner_name, phone, created_at,
                        area_centi, owner_key, developer)
SELECT i + 1, CAST(1 + i % 6 AS TEXT), CAST(1 + (i / 6) % 3 AS TEXT),
       CAST(((i / 18) / 4 + 1) * 100 + (i / 18) % 4 + 1 AS TEXT),
       (6000 + (i * 7919) % 9000) / 100.0, '业主' || (i + 1),
       '139' || printf('%08d', i + 1), $T0,
       6000 + (i * 7919) % 9000, '139' || printf('%08d', i + 1), CASE WHEN i % 97 = 0 THEN 1 ELSE 0 END
FROM s;
-- What `linli roster import` does with a change: a new names token (domain::KnownNames keeps
-- the owner names under it).
UPDATE roster_names_token SET token = (abs(random()) | 1) WHERE id = 1;
COMMIT;

BEGIN;
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $RESIDENTS)
INSERT INTO persons (id, role, tier, locale, created_at, role_source)
SELECT i, 'resident', '', CASE WHEN i % 10 = 0 THEN 'en' ELSE '' END,
       $T0 + (i * ($SPAN / $RESIDENTS)), '' FROM s;
-- A Telegram identity per resident (user id = chat id, private), a fifth also on WeChat.
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $RESIDENTS)
INSERT INTO identities (channel, user_id, person_id, chat_id, chat_type, last_seen_at)
SELECT 'telegram', CAST(500000000 + i AS TEXT), i, CAST(500000000 + i AS TEXT), 'private',
       $NOW_MS - (abs(random()) % (90 * $DAY)) FROM s;
WITH RECURSIVE s(i) AS (SELECT 5 UNION ALL SELECT i + 5 FROM s WHERE i + 5 <= $RESIDENTS)
INSERT INTO identities (channel, user_id, person_id, chat_id, chat_type, last_seen_at)
SELECT 'wechat', 'o' || hex(randomblob(12)), i, 'o' || printf('%012d', i), 'private',
       $NOW_MS - (abs(random()) % (90 * $DAY)) FROM s;
-- Nine in ten residents bound to a household (two or three to some).
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $RESIDENTS)
INSERT INTO person_households (person_id, household_id, bound_at, bound_by_person_id)
SELECT i, 1 + (i * 2654435761) % $HOUSEHOLDS, $T0 + (i * ($SPAN / $RESIDENTS)), 0
FROM s WHERE i % 10 <> 0;
COMMIT;

BEGIN;
-- Tickets in id order over the span; r = a per-ticket pseudo-random number for the spread.
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $TICKETS),
t AS (
  SELECT i, (i * 2654435761) % 1000003 AS r,
         $T0 + CAST(i AS INTEGER) * ($SPAN / MAX($TICKETS, 1)) AS at
  FROM s),
u AS (
  SELECT i, r, at,
    CASE WHEN at > $NOW_MS - 3 * $DAY THEN
           CASE r % 10 WHEN 0 THEN 'new' WHEN 1 THEN 'new' WHEN 2 THEN 'accepted'
                       WHEN 3 THEN 'in_progress' WHEN 4 THEN 'in_progress' WHEN 5 THEN 'escalated'
                       WHEN 6 THEN 'reopened' WHEN 7 THEN 'resolved' WHEN 8 THEN 'deferred'
                       ELSE 'closed' END
         WHEN at > $NOW_MS - 14 * $DAY AND r % 10 < 3 THEN 'resolved'
         WHEN r % 1000 < 3 THEN 'deferred'
         WHEN r % 1000 < 5 THEN 'in_progress'
         WHEN r % 1000 < 60 THEN 'resolved'
         ELSE 'closed' END AS status
  FROM t)
INSERT INTO tickets (id, number, reporter_person_id, channel, category, building, unit,
  location_text, description, photo_ref, status, created_at, updated_at, notify_channel, tier,
  assignee_person_id, public_summary, deferred_reason, deferred_plan, deferred_until,
  accept_due_at, resolve_due_at, resolved_at, rating, rating_comment, rated_at, merged_into,
  escalations, overdue_flagged_at)
SELECT i, i, 1 + (r * 7) % $RESIDENTS, CASE WHEN r % 5 = 0 THEN 'wechat' ELSE 'telegram' END,
  CASE r % 16 WHEN 0 THEN 'sanitation' WHEN 1 THEN 'sanitation' WHEN 2 THEN 'sanitation'
              WHEN 3 THEN 'repair' WHEN 4 THEN 'repair' WHEN 5 THEN 'repair' WHEN 6 THEN 'repair'
              WHEN 7 THEN 'parking' WHEN 8 THEN 'parking' WHEN 9 THEN 'pets' WHEN 10 THEN 'noise'
              WHEN 11 THEN 'noise' WHEN 12 THEN 'safety' WHEN 13 THEN 'property'
              WHEN 14 THEN 'property' ELSE 'other' END,
  CAST(1 + r % 6 AS TEXT), CAST(1 + (r / 6) % 3 AS TEXT),
  (1 + r % 6) || '号楼' || (1 + (r / 6) % 3) || '单元',
  '楼道灯不亮了，晚上很黑，麻烦尽快处理。第' || i || '号报事', 
  CASE WHEN r % 3 = 0 THEN 'AgACAgUAAxkBAAI' || i ELSE '' END,
  status, at, at + CASE WHEN status = 'new' THEN 0 ELSE 3600000 + r % (2 * $DAY) END,
  CASE WHEN r % 5 = 0 THEN 'wechat' ELSE 'telegram' END,
  CASE WHEN r % 100 < 3 OR status = 'escalated' THEN 'community'
       WHEN r % 1000 < 5 THEN 'street' ELSE 'compound' END,
  0, CASE WHEN status IN ('resolved', 'closed') THEN '已处理' ELSE '' END,
  CASE WHEN status = 'deferred' THEN '需业委会表决' ELSE '' END,
  CASE WHEN status = 'deferred' THEN '列入维修基金计划' ELSE '' END,
  CASE WHEN status = 'deferred' THEN date((at + 60 * $DAY) / 1000, 'unixepoch') ELSE '' END,
  at + $DAY, at + 3 * $DAY,
  CASE WHEN status IN ('resolved', 'closed') THEN at + 3600000 + r % (2 * $DAY) ELSE 0 END,
  CASE WHEN status = 'closed' AND r % 4 <> 0 THEN
         CASE r % 7 WHEN 0 THEN 'unsatisfied' WHEN 1 THEN 'basic' ELSE 'satisfied' END
       ELSE '' END,
  '',
  CASE WHEN status = 'closed' AND r % 4 <> 0 THEN at + 2 * $DAY ELSE 0 END,
  0, CASE WHEN status = 'escalated' OR r % 100 < 3 THEN 1 ELSE 0 END, 0
FROM u;
COMMIT;

BEGIN;
INSERT INTO ticket_events (ticket_id, at, actor_person_id, kind, from_status, to_status, note,
                           is_public, photo_ref, actor_name, rating)
SELECT id, created_at, reporter_person_id, 'created', '', 'new', '', 1, '', '', '' FROM tickets;
INSERT INTO ticket_events (ticket_id, at, actor_person_id, kind, from_status, to_status, note,
                           is_public, photo_ref, actor_name, rating)
SELECT id, created_at + 1800000, 0, 'status', 'new', 'accepted', '已受理', 1, '', '物业前台', ''
FROM tickets WHERE status <> 'new';
INSERT INTO ticket_events (ticket_id, at, actor_person_id, kind, from_status, to_status, note,
                           is_public, photo_ref, actor_name, rating)
SELECT id, updated_at, 0, 'status', 'accepted', status, '', 1, '', '物业前台', ''
FROM tickets WHERE status NOT IN ('new', 'accepted');
-- The board's counts (migration 26), which TicketStore keeps with every write.
DELETE FROM ticket_tallies;
INSERT INTO ticket_tallies (status, category, building, tickets)
SELECT status, category, building, COUNT(*) FROM tickets GROUP BY status, category, building;
COMMIT;

BEGIN;
-- Dialog state: key = ConversationRef::Key() "channel|chat_id|user_id". The residents' private
-- chats first, then other Telegram users; a tenth mid report flow, the rest idle. All touched in
-- the last 20 minutes: the hourly retention job drops dialogs idle past
-- dialog.session_timeout_minutes (30), so measure within ten minutes of seeding (or the
-- table shrinks to what a real compound keeps).
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $CONVERSATIONS)
INSERT INTO conversations (key, flow, step, slots_json, locale, updated_at)
SELECT 'telegram|' || (500000000 + i) || '|' || (500000000 + i),
       CASE WHEN i % 10 = 3 THEN 'report' ELSE '' END,
       CASE WHEN i % 10 = 3 THEN CASE i % 4 WHEN 0 THEN 'category' WHEN 1 THEN 'location'
                                            WHEN 2 THEN 'description' ELSE 'photo' END
            ELSE '' END,
       CASE WHEN i % 10 = 3 THEN '{"building":"3","category":"repair","unit":"2"}' ELSE '{}' END,
       '',
       $NOW_MS - abs(random()) % (20 * 60000)
FROM s;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL

end=$(date +%s.%N)
sqlite3 "$DB" "SELECT 'seeded: ' || (SELECT COUNT(*) FROM tickets) || ' tickets, ' ||
  (SELECT COUNT(*) FROM ticket_events) || ' events, ' || (SELECT COUNT(*) FROM persons) ||
  ' persons, ' || (SELECT COUNT(*) FROM identities) || ' identities, ' ||
  (SELECT COUNT(*) FROM households) || ' households, ' ||
  (SELECT COUNT(*) FROM conversations) || ' conversations'"
printf 'seed.sh: %s in %.1f s, %s MiB; config %s\n' "$DB" "$(python3 -c "print($end - $start)")" \
  "$(($(stat -c %s "$DB") / 1048576))" "$CONFIG"
