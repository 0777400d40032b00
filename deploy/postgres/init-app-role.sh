#!/bin/sh
# docker-compose: the postgres image runs this once, on the database's first start
# (/docker-entrypoint-initdb.d), as the owner POSTGRES_USER: it creates the application's role.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_role="$APP_DB_USER" -v app_password="$APP_DB_PASSWORD" \
  -f /deploy/postgres/app-role.sql
