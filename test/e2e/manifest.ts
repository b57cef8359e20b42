/** The package.json the vsix was built from: titles and names in the UI come from it, never from the tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ManifestCommand {
  command: string;
  title: string;
  category?: string;
}

interface Manifest {
  publisher: string;
  name: string;
  contributes?: {
    commands?: ManifestCommand[];
    viewsContainers?: Record<string, { id: string; title: string }[]>;
    views?: Record<string, { id: string; name: string }[]>;
  };
}

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as Manifest;
export const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;

/** The label the command palette shows for a contributed command: `Category: Title`. */
export function paletteLabel(commandId: string): string {
  const command = manifest.contributes?.commands?.find((candidate) => candidate.command === commandId);
  if (command === undefined) throw new Error(`package.json contributes no command ${commandId}`);
  return command.category === undefined ? command.title : `${command.category}: ${command.title}`;
}

export function viewContainerTitle(containerId: string): string {
  for (const containers of Object.values(manifest.contributes?.viewsContainers ?? {})) {
    const container = containers.find((candidate) => candidate.id === containerId);
    if (container !== undefined) return container.title;
  }
  throw new Error(`package.json contributes no view container ${containerId}`);
}

export function viewName(viewId: string): string {
  for (const views of Object.values(manifest.contributes?.views ?? {})) {
    const view = views.find((candidate) => candidate.id === viewId);
    if (view !== undefined) return view.name;
  }
  throw new Error(`package.json contributes no view ${viewId}`);
}
