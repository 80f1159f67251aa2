// Tests here start servers and many git child processes, which on a loaded 2-core
// machine take longer than jest's default 5 s. A longer ceiling costs nothing when the
// machine is fast.
jest.setTimeout(60_000);
