#!/bin/bash
# prints the number of tickets Linli stored in the peer's PostgreSQL (start.sh wrote its DSN)
psql -At -d "$(cat "$1/pg/dsn")" -c 'select count(*) from tickets'
