/**
 * Which control-plane component a container runs, and the words of its
 * command line. A static pod manifest (/etc/kubernetes/manifests) names the
 * binary in `command` (kubeadm: `command: [kube-apiserver, --flag=…]`); some
 * distributions put flags in `args` and leave the image's entrypoint, or wrap
 * the binary in `sh -c "exec kube-apiserver …"`; old ones run
 * `hyperkube apiserver`. The image name (`registry.k8s.io/kube-apiserver`)
 * decides only when there is no command.
 */
import { asArray, asObject, asString, type FieldPath } from '../input/object.js';
import type { ContainerView } from '../input/pod.js';
import { shellWords, type Word } from './flags.js';

export type Component = 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'etcd';
export const COMPONENTS: readonly Component[] = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'];

const HYPERKUBE_NAMES: Record<string, Component> = {
  apiserver: 'kube-apiserver',
  'kube-apiserver': 'kube-apiserver',
  'controller-manager': 'kube-controller-manager',
  'kube-controller-manager': 'kube-controller-manager',
  scheduler: 'kube-scheduler',
  'kube-scheduler': 'kube-scheduler',
};
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash']);

const baseName = (s: string) => s.slice(s.lastIndexOf('/') + 1);
const asComponent = (s: string | undefined): Component | undefined => (COMPONENTS as readonly string[]).includes(s ?? '') ? (s as Component) : undefined;

export interface ComponentCommand {
  component: Component;
  /** Words after the binary name, each with its place in the manifest. */
  words: Word[];
  /** Where to say a missing flag belongs: the command (or args) array. */
  flagsPath: FieldPath;
}

function wordsOf(list: unknown[], path: FieldPath): Word[] {
  const out: Word[] = [];
  list.forEach((w, i) => {
    if (typeof w === 'string') out.push({ text: w, path: [...path, i] });
  });
  return out;
}

/** The component a container runs, or undefined. */
export function componentOf(c: ContainerView): ComponentCommand | undefined {
  const command = asArray(c.data['command']).slice(0, 4096);
  const args = asArray(c.data['args']).slice(0, 4096);
  const cmdWords = wordsOf(command, [...c.path, 'command']);
  const argWords = wordsOf(args, [...c.path, 'args']);
  const flagsPath: FieldPath = command.length ? [...c.path, 'command'] : args.length ? [...c.path, 'args'] : c.path;
  let all = [...cmdWords, ...argWords];
  if (!cmdWords.length) {
    // No command: the image's entrypoint runs, with args as its flags.
    const image = asString(c.data['image']) ?? '';
    const repo = baseName(image.split('@')[0]!.replace(/:[^/]*$/, ''));
    const component = asComponent(repo);
    if (component) return { component, words: argWords, flagsPath };
    all = argWords;
  }
  // `sh -c "exec kube-apiserver --a=b"`: the script's words, all at the script's position.
  if (all.length >= 3 && SHELLS.has(baseName(all[0]!.text)) && all[1]!.text === '-c') {
    const script = all[2]!;
    const words = shellWords(script.text).filter((w) => w !== 'exec');
    all = [...words.map((text) => ({ text, ...(script.path ? { path: script.path } : {}) })), ...all.slice(3)];
  }
  const first = all[0];
  if (!first) return undefined;
  const bin = baseName(first.text.trim());
  const direct = asComponent(bin);
  if (direct) return { component: direct, words: all.slice(1), flagsPath };
  if (bin === 'hyperkube' && all[1]) {
    const sub = HYPERKUBE_NAMES[all[1].text.trim()];
    if (sub) return { component: sub, words: all.slice(2), flagsPath };
  }
  return undefined;
}

/** `ETCD_CLIENT_CERT_AUTH=true` style settings of a container, as flag words (etcd reads them; flags win). */
export function envWords(c: ContainerView, prefix: string): Word[] {
  const out: Word[] = [];
  asArray(c.data['env'])
    .slice(0, 1024)
    .forEach((e, i) => {
      const entry = asObject(e);
      const name = asString(entry?.['name']);
      const value = asString(entry?.['value']);
      if (!name?.startsWith(prefix) || value === undefined) return;
      const flag = name.slice(prefix.length).toLowerCase().replace(/_/g, '-');
      out.push({ text: `--${flag}=${value}`, path: [...c.path, 'env', i, 'value'] });
    });
  return out;
}
