-- Requests per client address (an IPv6 client by its /64) per limited kind
-- and fixed window, counted here when several app servers share this
-- database (PostgreSQL), so N servers do not allow N times the rate. One
-- SQLite server keeps the same limits in memory and leaves this empty.
CREATE TABLE latchkey_address_hits (
    bucket       TEXT   NOT NULL,
    address      TEXT   NOT NULL,
    window_start BIGINT NOT NULL,
    hits         BIGINT NOT NULL,
    PRIMARY KEY (bucket, address)
);
