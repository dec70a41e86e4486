import { CapabilityError, type Capability } from '@weixi/sdk';

/** Guards each service call with the capability it needs; an undeclared one is refused at call time. */
export function capabilityGuard(pluginId: string, declared: readonly Capability[] = []) {
  const granted = new Set(declared);
  return {
    require(capability: Capability, operation: string): void {
      if (!granted.has(capability)) throw new CapabilityError(pluginId, capability, operation);
    },
    has(capability: Capability): boolean {
      return granted.has(capability);
    },
  };
}
