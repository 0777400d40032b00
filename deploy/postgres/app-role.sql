-- The application's own database role: it reads and writes rows and owns nothing, so it cannot
-- ALTER, DROP or TRUNCATE a table, nor switch the audit trail's triggers off. Migrations run as
-- the owner of the tables (the role that runs this file); web, worker and beat connect as this
-- role. Run once per database, as the owner, with psql:
--
--   psql "postgres://OWNER:PASSWORD@HOST:5432/recovery_hub" -v ON_ERROR_STOP=1 \
--        -v app_role=recovery_app -v app_password='A-LONG-RANDOM-PASSWORD' \
--        -f deploy/postgres/app-role.sql
--
-- docker-compose runs it on the database's first start (deploy/postgres/init-app-role.sh).

CREATE ROLE :"app_role" LOGIN PASSWORD :'app_password' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
GRANT CONNECT ON DATABASE :"DBNAME" TO :"app_role";
GRANT USAGE ON SCHEMA public TO :"app_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app_role";
-- Tables and sequences the owner creates later (every new migration) get the same rights.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_role";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app_role";
