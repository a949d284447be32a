import { beforeEach, expect } from 'vitest';

// A test with no real assertion fails instead of passing silently.
beforeEach(() => {
  expect.hasAssertions();
});
