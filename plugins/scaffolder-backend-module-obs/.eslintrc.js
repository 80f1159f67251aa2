module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // Tests assert through helpers that check the error and that no file changed.
    'jest/expect-expect': [
      'warn',
      {
        assertFunctionNames: [
          'expect',
          'expectRefused',
          '*.expectRefused',
          'expectNothingWritten',
        ],
      },
    ],
  },
});
