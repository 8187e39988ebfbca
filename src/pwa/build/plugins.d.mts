import type { PluginOption } from 'vite';

export const THEME_COLOR: string;
export const BACKGROUND_COLOR: string;
export const CONTENT_SECURITY_POLICY: string;
export function pwaPlugins(): PluginOption[];
