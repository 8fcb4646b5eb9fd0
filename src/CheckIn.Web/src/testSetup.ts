import { afterAll } from 'vitest';

// Preact's hooks run effects after the next frame, with a 35 ms timer as a fallback that calls
// cancelAnimationFrame. A test file that ends while such a timer is pending would see it fire after the jsdom
// environment is torn down ("cancelAnimationFrame is not defined", an unhandled error that fails the run):
// let pending frames settle before the environment goes.
afterAll(async () => {
  await new Promise((resolve) => setTimeout(resolve, 150));
});
