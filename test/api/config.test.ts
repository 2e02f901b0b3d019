import { ConfigError, loadConfig } from '../../api/config';

function configErrorOf(environment: Record<string, string>): ConfigError {
  try {
    loadConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('loadConfig accepted an invalid environment');
}

describe('Configuration', () => {
  test('When the environment is empty, then the defaults describe a local server on the embedded database', () => {
    const config = loadConfig({});

    expect(config.http.port).toBe(3978);
    expect(config.database.uri).toBeUndefined();
    expect(config.database.dataDir).toBe('.data');
    expect(config.bot.appId).toBeUndefined();
    expect(config.log.level).toBe('info');
  });

  test('When variables are set, then they are parsed into typed values', () => {
    const config = loadConfig({ PORT: '8080', MONGODB_URI: 'mongodb://db.example:27017/ti', DATA_DIR: '/var/ti', LOG_LEVEL: 'debug', SHUTDOWN_TIMEOUT_MS: '2500' });

    expect(config.http.port).toBe(8080);
    expect(config.database.uri).toBe('mongodb://db.example:27017/ti');
    expect(config.database.dataDir).toBe('/var/ti');
    expect(config.log.level).toBe('debug');
    expect(config.http.shutdownTimeoutMs).toBe(2500);
  });

  test('When a variable is set to an empty string, then it counts as unset', () => {
    const config = loadConfig({ MONGODB_URI: '', MicrosoftAppId: '  ' });

    expect(config.database.uri).toBeUndefined();
    expect(config.bot.appId).toBeUndefined();
  });

  test.each([
    [{ PORT: 'quatre' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ MONGODB_URI: 'postgres://localhost/db' }, 'MONGODB_URI'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL'],
    [{ MicrosoftAppId: '00000000-0000-0000-0000-000000000000' }, 'MicrosoftAppPassword'],
    [{ MicrosoftAppId: 'x', MicrosoftAppPassword: 'y', MicrosoftAppType: 'SingleTenant' }, 'MicrosoftAppTenantId'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
  ])('When the environment is %j, then start-up stops with a message naming %s', (environment, variable) => {
    const error = configErrorOf(environment);

    expect(error.message).toContain(variable);
    expect(error.problems.some((problem) => problem.startsWith(`${variable}:`))).toBe(true);
  });

  test('When several variables are wrong, then every one of them is named', () => {
    const error = configErrorOf({ PORT: '-1', LOG_FORMAT: 'xml' });

    expect(error.problems).toHaveLength(2);
    expect(error.message).toMatch(/PORT/);
    expect(error.message).toMatch(/LOG_FORMAT/);
  });

  test('When a variable that may hold a secret is wrong, then the message does not repeat its value', () => {
    const error = configErrorOf({ MONGODB_URI: 'postgres://alice:s3cret@db.example/ti' });

    expect(error.message).toContain('MONGODB_URI');
    expect(error.message).not.toContain('s3cret');
  });

  test('When a harmless variable is wrong, then the message shows the value received', () => {
    const error = configErrorOf({ PORT: 'quatre' });

    expect(error.message).toContain('"quatre"');
  });
});
