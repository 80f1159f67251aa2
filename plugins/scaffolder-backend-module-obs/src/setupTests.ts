// Tests here start servers, test back ends and child processes (git, openssl, node),
// which on a loaded 2-core machine take longer than jest's default 5 s. A longer
// ceiling costs nothing when the machine is fast; files that need more set their own.
jest.setTimeout(60_000);
