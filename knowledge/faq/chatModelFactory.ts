// Builds the optional chat model from configuration through LangChain's initChatModel, failing
// early and clearly when the provider's package is not installed.
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { initChatModel } from 'langchain/chat_models/universal';
import { z } from 'zod';
import { FaqError } from './faqErrors';

const ChatModelConfigSchema = z.object({
  provider: z.enum(['openai', 'azure_openai', 'mistralai', 'ollama']),
  model: z.string().min(1),
  apiKey: z.string().min(1).optional(),
  baseUrl: z.url().optional(),
  temperature: z.number().min(0).max(2).optional(),
  azure: z
    .object({
      instanceName: z.string().min(1).optional(),
      deploymentName: z.string().min(1).optional(),
      apiVersion: z.string().min(1).optional(),
      endpoint: z.url().optional(),
    })
    .optional(),
});
export type ChatModelConfig = z.infer<typeof ChatModelConfigSchema>;
type Provider = ChatModelConfig['provider'];

/** The LangChain integration package each provider needs; none of them ships with the product. */
const PROVIDER_PACKAGES: Readonly<Record<Provider, string>> = {
  openai: '@langchain/openai',
  azure_openai: '@langchain/openai',
  mistralai: '@langchain/mistralai',
  ollama: '@langchain/ollama',
};

function isInstalled(packageName: string): boolean {
  try {
    require.resolve(packageName);
    return true;
  } catch {
    return false;
  }
}

/** Constructor fields of each provider's chat model class; they do not share names for the same setting. */
function providerFields(cfg: ChatModelConfig): Record<string, unknown> {
  const common = { modelProvider: cfg.provider, ...(cfg.temperature === undefined ? {} : { temperature: cfg.temperature }) };
  switch (cfg.provider) {
    case 'openai':
      return { ...common, apiKey: cfg.apiKey, ...(cfg.baseUrl ? { configuration: { baseURL: cfg.baseUrl } } : {}) };
    case 'azure_openai':
      return {
        ...common,
        azureOpenAIApiKey: cfg.apiKey,
        azureOpenAIApiInstanceName: cfg.azure?.instanceName,
        azureOpenAIApiDeploymentName: cfg.azure?.deploymentName ?? cfg.model,
        azureOpenAIApiVersion: cfg.azure?.apiVersion,
        azureOpenAIEndpoint: cfg.azure?.endpoint ?? cfg.baseUrl,
      };
    case 'mistralai':
      return { ...common, apiKey: cfg.apiKey, ...(cfg.baseUrl ? { serverURL: cfg.baseUrl } : {}) };
    case 'ollama':
      return { ...common, ...(cfg.baseUrl ? { baseUrl: cfg.baseUrl } : {}) };
  }
}

/**
 * The chat model described by `cfg`, built once at start-up. initChatModel imports the provider
 * package dynamically, and its own message for a missing package only covers ES modules: the
 * package is looked up first so that the operator always reads which one to install.
 */
export async function createChatModelFromConfig(
  cfg: ChatModelConfig,
  packageInstalled: (packageName: string) => boolean = isInstalled,
): Promise<BaseChatModel> {
  const parsed = ChatModelConfigSchema.safeParse(cfg);
  if (!parsed.success) {
    throw new FaqError('FAQ_LLM_CONFIG_INVALID', `Invalid chat model configuration: ${z.prettifyError(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  const config = parsed.data;
  const packageName = PROVIDER_PACKAGES[config.provider];
  if (!packageInstalled(packageName)) {
    throw new FaqError(
      'FAQ_LLM_PACKAGE_MISSING',
      `LLM provider "${config.provider}" needs the package ${packageName}, which is not installed: run \`npm install ${packageName}\`, or unset the LLM provider to answer without a model.`,
    );
  }
  try {
    return await initChatModel(config.model, providerFields(config));
  } catch (err) {
    // the provider's constructor refuses incomplete settings (no API key, no Azure instance)
    throw new FaqError('FAQ_LLM_CONFIG_INVALID', `Could not create the ${config.provider} chat model: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
