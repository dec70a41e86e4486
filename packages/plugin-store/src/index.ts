/** Installing plugins from a private npm registry: resolve, download, verify, place; and plugin signing. */
export { PluginRefusedError, type RefusalReason } from './errors.js';
export { checkIntegrity } from './integrity.js';
export { downloadTarball, fetchPackument, resolveVersion, type Packument, type RegistryOptions, type RegistryVersion } from './registry.js';
export {
  SIGNATURE_FILE,
  checkSignature,
  generatePublisherKeys,
  keyIdOf,
  parsePublicKey,
  signPluginFolder,
  type SignatureCheck,
  type SignatureFile,
  type SignatureState,
  type TrustedPublisher,
} from './signature.js';
export { packedFiles } from './pack.js';
export { checkPluginFolder, type PresentPlugin } from './checks.js';
export { PluginStore, type FetchRequest, type PluginStoreOptions, type StoredPlugin } from './store.js';
export { listTrustedPublishers, trustedKeys, trustPublisher, untrustPublisher, type TrustedPublisherRow } from './trust.js';
export { PluginInstallations, type Installed, type InstalledPluginRow, type Installer, type InstallRequest, type PluginInstallationsOptions } from './installations.js';
