import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// These tests render the app (MUI, routing, API providers) in jsdom, which on a loaded
// 2-core machine takes seconds: findBy*/waitFor poll until the element appears, so a
// longer ceiling than Testing Library's 1 s (and jest's 5 s) costs nothing when fast.
configure({ asyncUtilTimeout: 15_000 });
jest.setTimeout(60_000);
