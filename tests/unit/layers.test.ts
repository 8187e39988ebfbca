import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layers of src as docs/architecture.md draws them, read from the source's own imports: the domain is pure,
 * the store knows nothing of the layers above it, the UI reaches the database only through src/app, and no
 * module imports itself back through others.
 */

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

function sources(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|svelte)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * Each module (path under src, without extension) and what it imports: modules of src (`modules`; `types`
 * adds those imported for their types alone, which are gone at run time), and packages by name.
 */
function importGraph(): Map<string, { modules: string[]; types: string[]; packages: string[] }> {
  const graph = new Map<string, { modules: string[]; types: string[]; packages: string[] }>();
  const moduleOf = (path: string) => relative(SRC, path).replace(/\.(ts|svelte)$/, '');
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    const modules: string[] = [];
    const types: string[] = [];
    const packages: string[] = [];
    for (const [, typeOnly, specifier] of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
      if (!specifier!.startsWith('.')) packages.push(specifier!);
      else (typeOnly ? types : modules).push(moduleOf(resolve(dirname(file), specifier!)).replace(/\.svelte$/, ''));
    }
    graph.set(moduleOf(file), { modules, types: [...modules, ...types], packages });
  }
  return graph;
}

const graph = importGraph();
const layer = (module: string) => module.split('/')[0]!;

describe('the layers of src', () => {
  it('reads a graph of the whole source', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('app/sync')!.modules).toContain('app/sync-server');
  });

  it('keeps the domain pure: it imports only itself and decimal.js', () => {
    for (const [module, { types: modules, packages }] of graph) {
      if (layer(module) !== 'domain') continue;
      expect(modules.filter((m) => layer(m) !== 'domain'), module).toEqual([]);
      expect(packages.filter((p) => p !== 'decimal.js'), module).toEqual([]);
    }
  });

  it('keeps the store below the projections, the app, the UI and the server', () => {
    for (const [module, { types: modules }] of graph) {
      if (layer(module) !== 'store') continue;
      expect(modules.filter((m) => !['store', 'domain'].includes(layer(m))), module).toEqual([]);
    }
  });

  it('lets the UI reach the database only through src/app', () => {
    for (const [module, { types: modules, packages }] of graph) {
      if (layer(module) !== 'ui') continue;
      expect(packages.filter((p) => p === 'dexie'), module).toEqual([]);
      expect(modules.filter((m) => ['store', 'server'].includes(layer(m))), module).toEqual([]);
    }
  });

  it('has no import cycles (of imports that remain at run time)', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (module: string, path: string[]) => {
      if (state.get(module) === 'done') return;
      if (state.get(module) === 'open') {
        cycles.push([...path.slice(path.indexOf(module)), module].join(' -> '));
        return;
      }
      state.set(module, 'open');
      for (const next of graph.get(module)?.modules ?? []) if (graph.has(next)) visit(next, [...path, module]);
      state.set(module, 'done');
    };
    for (const module of graph.keys()) visit(module, []);
    expect(cycles).toEqual([]);
  });
});
