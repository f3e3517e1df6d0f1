import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { objectsOfText } from '../input/load.js';
import type { K8sObject } from '../input/object.js';
import { evaluateAdmission } from './evaluate.js';
import { evaluatePolicies } from './findings.js';
import { loadAdmissionPolicies, type PolicyProblem } from './policy.js';

const fixture = (name: string) => {
  const file = fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));
  const text = readFileSync(file, 'utf8');
  return { file, text, objects: [...objectsOfText(text, file)] };
};

/** `id@line` pairs from `# expect: A, B` markers. */
function marks(text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    const m = /# expect: (.+)$/.exec(line);
    if (m) for (const id of m[1]!.split(',')) out.push(`${id.trim()}@${i + 1}`);
  });
  return out.sort();
}

const yamlObjects = (text: string, file = 'inline.yaml') => [...objectsOfText(text, file)];

describe('realistic policies against a manifest set', () => {
  const policies = fixture('policies.yaml');
  const workloads = fixture('workloads.yaml');
  const all: K8sObject[] = [...policies.objects, ...workloads.objects];
  const loaded = loadAdmissionPolicies(all);
  const findings = evaluatePolicies(loaded, all);

  it('loads every policy with its binding', () => {
    expect(loaded.map((p) => [p.name, p.bindings.map((b) => b.name)])).toEqual([
      ['replica-limit', ['replica-limit-binding']],
      ['required-labels', ['required-labels-prod']],
      ['no-latest-tag', ['no-latest-tag-binding']],
      ['memory-limits', ['memory-limits-binding']],
    ]);
  });

  it('finds exactly the marked violations, located at the objects', () => {
    expect(findings.map((f) => `${f.id}@${f.location.startLine}`).sort()).toEqual(marks(workloads.text));
    for (const f of findings) {
      expect(f.location.path).toBe(workloads.file);
      expect(f.kind).toBe('policy');
    }
  });

  it('denies with the params from a ConfigMap and the messageExpression', () => {
    const f = findings.find((x) => x.id === 'VAP:replica-limit')!;
    expect(f.severity).toBe('high');
    expect(f.evidence).toBe("ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-binding' denied request: replicas must be at most 3 (got 5)");
    expect(f.location.object).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'prod' });
  });

  it('warns through a binding with a namespaceSelector and validationActions Warn', () => {
    const f = findings.find((x) => x.id === 'VAP:required-labels')!;
    expect(f.severity).toBe('medium');
    expect(f.evidence).toBe("Validation failed for ValidatingAdmissionPolicy 'required-labels' with binding 'required-labels-prod': every workload needs a team label");
  });

  it('builds messages from variables, and audits as well as denies', () => {
    const decisions = evaluateAdmission(loaded, all).decisions.filter((d) => d.policy.name === 'no-latest-tag');
    expect(decisions.map((d) => [d.object.name, d.message])).toEqual([
      ['batch', 'images must be pinned: registry.example/worker:latest, registry.example/sidecar'],
      ['debug', 'images must be pinned: busybox:latest'],
    ]);
    expect(decisions[0]!.actions).toEqual(['Deny', 'Audit']);
    expect(JSON.parse(decisions[0]!.audit!)).toEqual([
      { message: 'images must be pinned: registry.example/worker:latest, registry.example/sidecar', policy: 'no-latest-tag', binding: 'no-latest-tag-binding', expressionIndex: 0, validationActions: ['Deny', 'Audit'] },
    ]);
  });

  it('compares quantities and reports an Audit-only binding at low severity', () => {
    const f = findings.find((x) => x.id === 'VAP:memory-limits')!;
    expect(f.severity).toBe('low');
    expect(f.title).toBe('memory-limits: memory limits must be set and at most 1Gi');
  });

  it('skips objects whose matchConditions are false (kube-system) and objects excluded by the objectSelector', () => {
    const names = new Set(findings.map((f) => f.location.object?.name));
    expect(names.has('coredns')).toBe(false);
    expect(names.has('skipped')).toBe(false);
    expect(names.has('api')).toBe(false);
  });
});

const POLICY = (spec: string, name = 'p') => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: ${name}
spec:
${spec}
`;
const BINDING = (spec: string, name = 'b', policy = 'p') => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: ${name}
spec:
  policyName: ${policy}
${spec}
`;
const DEPLOY_RULES = `  matchConstraints:
    resourceRules:
      - apiGroups: ["apps"]
        apiVersions: ["v1"]
        operations: ["CREATE"]
        resources: ["deployments"]`;
const DEPLOYMENT = (name: string, extra = '', ns = 'default') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
${extra}
spec:
  replicas: 60
  template:
    spec:
      containers:
        - name: c
          image: x:1
`;

function run(docs: string[]) {
  const objects = yamlObjects(docs.join('\n---\n'));
  return evaluateAdmission(loadAdmissionPolicies(objects), objects);
}

describe('messages', () => {
  it('defaults to "failed expression: <expr>"', () => {
    const { decisions } = run([POLICY(`${DEPLOY_RULES}\n  validations:\n    - expression: "object.spec.replicas < 10"`), BINDING('  validationActions: [Deny]'), DEPLOYMENT('d')]);
    expect(decisions.map((d) => d.message)).toEqual(['failed expression: object.spec.replicas < 10']);
    expect(decisions[0]!.denial).toBe("ValidatingAdmissionPolicy 'p' with binding 'b' denied request: failed expression: object.spec.replicas < 10");
    expect(decisions[0]!.reason).toBe('Invalid');
  });

  it('falls back from a failing, empty or multi-line messageExpression to message', () => {
    const v = (msgExpr: string) =>
      run([
        POLICY(`${DEPLOY_RULES}\n  validations:\n    - expression: "false"\n      message: static message\n      messageExpression: ${JSON.stringify(msgExpr)}\n      reason: Forbidden`),
        BINDING('  validationActions: [Deny]'),
        DEPLOYMENT('d'),
      ]).decisions[0]!;
    expect(v("'dynamic ' + object.metadata.name").message).toBe('dynamic d');
    expect(v('object.metadata.missing').message).toBe('static message');
    expect(v("'   '").message).toBe('static message');
    expect(v("'two\\nlines'").message).toBe('static message');
    expect(v("'dynamic'").reason).toBe('Forbidden');
  });
});

describe('failurePolicy', () => {
  const policy = (failurePolicy: string) =>
    POLICY(`  failurePolicy: ${failurePolicy}\n${DEPLOY_RULES}\n  validations:\n    - expression: "object.spec.paused == false"`);

  it('Fail turns an evaluation error into a decision with the API server wording', () => {
    const { decisions } = run([policy('Fail'), BINDING('  validationActions: [Warn]'), DEPLOYMENT('d')]);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]!.kind).toBe('error');
    expect(decisions[0]!.message).toBe("expression 'object.spec.paused == false' resulted in error: no such key: paused");
    expect(decisions[0]!.warning).toMatch(/^Validation failed for ValidatingAdmissionPolicy 'p' with binding 'b': expression/);
  });

  it('Ignore drops it', () => {
    expect(run([policy('Ignore'), BINDING('  validationActions: [Deny]'), DEPLOYMENT('d')]).decisions).toEqual([]);
  });

  it('expressions using the authorizer evaluate to an error that says why', () => {
    const { decisions } = run([
      POLICY(`${DEPLOY_RULES}\n  validations:\n    - expression: "authorizer.group('apps').resource('deployments').check('create').allowed()"`),
      BINDING('  validationActions: [Deny]'),
      DEPLOYMENT('d'),
    ]);
    expect(decisions[0]!.message).toMatch(/resulted in error: authorizer checks need a live API server/);
  });
});

describe('params', () => {
  const policy = POLICY(`  paramKind:\n    apiVersion: v1\n    kind: ConfigMap\n${DEPLOY_RULES}\n  validations:\n    - expression: "object.spec.replicas <= int(params.data.max)"`);
  const cm = (name: string, ns: string, max: string, labels = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n${labels}\ndata:\n  max: "${max}"`;

  it('a missing param with Deny is a configuration error that denies whatever the actions', () => {
    const { decisions } = run([policy, BINDING('  validationActions: [Warn]\n  paramRef:\n    name: nope\n    parameterNotFoundAction: Deny'), DEPLOYMENT('d')]);
    expect(decisions.map((d) => [d.kind, d.actions, d.message])).toEqual([
      ['configuration', ['Deny'], 'failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction'],
    ]);
  });

  it('a missing param with Allow skips the evaluation', () => {
    expect(run([policy, BINDING('  validationActions: [Deny]\n  paramRef:\n    name: nope\n    parameterNotFoundAction: Allow'), DEPLOYMENT('d')]).decisions).toEqual([]);
  });

  it('paramRef without namespace looks in the request namespace', () => {
    const docs = [policy, BINDING('  validationActions: [Deny]\n  paramRef:\n    name: limits\n    parameterNotFoundAction: Deny'), cm('limits', 'a', '100'), cm('limits', 'b', '10'), DEPLOYMENT('in-a', '', 'a'), DEPLOYMENT('in-b', '', 'b')];
    expect(run(docs).decisions.map((d) => d.object.name)).toEqual(['in-b']);
  });

  it('a selector evaluates against every matching param', () => {
    const docs = [
      policy,
      BINDING('  validationActions: [Deny]\n  paramRef:\n    namespace: cfg\n    selector:\n      matchLabels:\n        kind: limit\n    parameterNotFoundAction: Allow'),
      cm('l1', 'cfg', '100', '  labels:\n    kind: limit'),
      cm('l2', 'cfg', '10', '  labels:\n    kind: limit'),
      cm('l3', 'cfg', '1'),
      DEPLOYMENT('d'),
    ];
    const { decisions } = run(docs);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]!.message).toBe('failed expression: object.spec.replicas <= int(params.data.max)');
  });

  it('no paramRef means params is null', () => {
    const p = POLICY(`  paramKind:\n    apiVersion: v1\n    kind: ConfigMap\n${DEPLOY_RULES}\n  validations:\n    - expression: "params == null"`);
    expect(run([p, BINDING('  validationActions: [Deny]'), DEPLOYMENT('d')]).decisions).toEqual([]);
  });
});

describe('matching', () => {
  const denyAll = (match: string) => [POLICY(`  matchConstraints:\n${match}\n  validations:\n    - expression: "false"`), BINDING('  validationActions: [Deny]')];
  const names = (docs: string[]) => run(docs).decisions.map((d) => `${d.object.kind}/${d.object.name}`);
  const objects = [
    DEPLOYMENT('d'),
    'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n  labels:\n    tier: gold',
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader',
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: team-a',
  ];

  it('resource rules select by group, resource and scope; Equivalent matches old group names', () => {
    expect(names([...denyAll('    resourceRules:\n      - apiGroups: ["*"]\n        apiVersions: ["*"]\n        operations: ["*"]\n        resources: ["*"]\n        scope: Cluster'), ...objects])).toEqual(['Namespace/team-a', 'ClusterRole/reader']);
    expect(names([...denyAll('    resourceRules:\n      - apiGroups: ["extensions"]\n        apiVersions: ["v1beta1"]\n        operations: ["CREATE"]\n        resources: ["deployments"]'), ...objects])).toEqual(['Deployment/d']);
    expect(names([...denyAll('    matchPolicy: Exact\n    resourceRules:\n      - apiGroups: ["extensions"]\n        apiVersions: ["v1beta1"]\n        operations: ["CREATE"]\n        resources: ["deployments"]'), ...objects])).toEqual([]);
    expect(names([...denyAll('    resourceRules:\n      - apiGroups: [""]\n        apiVersions: ["v1"]\n        operations: ["UPDATE", "DELETE"]\n        resources: ["configmaps"]'), ...objects])).toEqual([]);
  });

  it('excludeResourceRules and resourceNames narrow the match', () => {
    const all = '    resourceRules:\n      - apiGroups: ["*"]\n        apiVersions: ["*"]\n        operations: ["CREATE"]\n        resources: ["*"]';
    expect(names([...denyAll(`${all}\n    excludeResourceRules:\n      - apiGroups: ["", "rbac.authorization.k8s.io"]\n        apiVersions: ["*"]\n        operations: ["*"]\n        resources: ["*"]`), ...objects])).toEqual(['Deployment/d']);
    expect(names([...denyAll('    resourceRules:\n      - apiGroups: [""]\n        apiVersions: ["v1"]\n        operations: ["CREATE"]\n        resources: ["configmaps", "namespaces"]\n        resourceNames: ["cm"]'), ...objects])).toEqual(['ConfigMap/cm']);
  });

  it('a namespaceSelector matches namespaced objects by their namespace and a Namespace by itself, never other cluster-scoped objects', () => {
    const sel = '    namespaceSelector:\n      matchLabels:\n        tier: gold\n    resourceRules:\n      - apiGroups: ["*"]\n        apiVersions: ["*"]\n        operations: ["CREATE"]\n        resources: ["*"]';
    expect(names([...denyAll(sel), ...objects])).toEqual(['Namespace/team-a', 'ClusterRole/reader', 'ConfigMap/cm']);
    const byName = '    namespaceSelector:\n      matchExpressions:\n        - key: kubernetes.io/metadata.name\n          operator: In\n          values: ["default"]\n    resourceRules:\n      - apiGroups: ["apps"]\n        apiVersions: ["v1"]\n        operations: ["CREATE"]\n        resources: ["deployments"]';
    expect(names([...denyAll(byName), ...objects])).toEqual(['Deployment/d']);
  });

  it('a malformed selector is a configuration error under Fail', () => {
    const bad = '    objectSelector:\n      matchExpressions:\n        - key: a\n          operator: In\n    resourceRules:\n      - apiGroups: ["apps"]\n        apiVersions: ["v1"]\n        operations: ["CREATE"]\n        resources: ["deployments"]';
    const { decisions } = run([...denyAll(bad), DEPLOYMENT('d')]);
    expect(decisions.map((d) => d.message)).toEqual(['failed to configure policy: In on "a" needs at least one value']);
  });
});

describe('audit annotations', () => {
  it('publishes non-empty string values under <policy>/<key> and skips null', () => {
    const docs = [
      POLICY(`${DEPLOY_RULES}\n  auditAnnotations:\n    - key: replicas\n      valueExpression: "object.spec.replicas > 50 ? 'replicas: ' + string(object.spec.replicas) : null"`),
      BINDING('  validationActions: [Audit]'),
      DEPLOYMENT('big'),
      DEPLOYMENT('small').replace('replicas: 60', 'replicas: 2'),
    ];
    const { decisions, auditAnnotations } = run(docs);
    expect(decisions).toEqual([]);
    expect(auditAnnotations.map((a) => [a.object.name, a.key, a.value])).toEqual([['big', 'p/replicas', 'replicas: 60']]);
  });
});

describe('audit annotation errors', () => {
  it('deny under Fail whatever the binding actions, as the API server does', () => {
    const docs = [
      POLICY(`${DEPLOY_RULES}\n  auditAnnotations:\n    - key: replicas\n      valueExpression: "object.spec.replicas"`),
      BINDING('  validationActions: [Warn]'),
      DEPLOYMENT('d'),
    ];
    const { decisions } = run(docs);
    expect(decisions.map((d) => [d.kind, d.actions, d.message])).toEqual([
      ['error', ['Deny'], "valueExpression 'object.spec.replicas' resulted in unsupported return type: int. Return type must be either string or null."],
    ]);
  });
});

describe('loading', () => {
  const load = (docs: string[], onProblem?: (p: PolicyProblem) => void) => loadAdmissionPolicies(yamlObjects(docs.join('\n---\n'), 'policy.yaml'), { onProblem });
  const error = (docs: string[]) => {
    try {
      load(docs);
    } catch (e) {
      return e as { code: string; message: string; where: string };
    }
    throw new Error('expected POLICY_INVALID');
  };

  it('reports a compile error with the file and line of the expression', () => {
    const e = error([POLICY(`${DEPLOY_RULES}\n  validations:\n    - expression: "object.spec.replicas >"`)]);
    expect(e.code).toBe('POLICY_INVALID');
    expect(e.where).toBe('policy.yaml:13');
    expect(e.message).toMatch(/spec\.validations\[0\]\.expression: compilation failed: Unexpected token/);
  });

  it('points into a block-scalar expression', () => {
    const e = error([POLICY(`${DEPLOY_RULES}\n  validations:\n    - expression: |\n        object.spec.replicas > 1 &&\n        object.spec.replicas +\n      message: m`)]);
    expect(e.where).toBe('policy.yaml:15');
  });

  it('rejects a type error, a wrong result type and an undefined variable', () => {
    expect(error([POLICY(`${DEPLOY_RULES}\n  validations:\n    - expression: "1 + 'a'"`)]).message).toMatch(/compilation failed/);
    expect(error([POLICY(`${DEPLOY_RULES}\n  validations:\n    - expression: "'text'"`)]).message).toMatch(/must evaluate to bool, but its type is string/);
    expect(error([POLICY(`${DEPLOY_RULES}\n  variables:\n    - name: a\n      expression: "variables.b"\n    - name: b\n      expression: "1"\n  validations:\n    - expression: "true"`)]).message).toMatch(
      /undefined variable "variables\.b" \(a variable may only use the variables before it\)/,
    );
    expect(error([POLICY(`${DEPLOY_RULES}\n  validations:\n    - expression: "undeclared > 1"`)]).message).toMatch(/compilation failed/);
  });

  it('rejects bindings the API server would reject', () => {
    const p = POLICY(`${DEPLOY_RULES}\n  validations:\n    - expression: "true"`);
    expect(error([p, BINDING('  validationActions: [Deny, Warn]')]).message).toMatch(/both Deny and Warn/);
    expect(error([p, BINDING('  validationActions: []')]).message).toMatch(/at least one of Deny, Warn, Audit/);
    expect(error([p, BINDING('  validationActions: [Deny]\n  paramRef:\n    name: x')]).message).toMatch(/parameterNotFoundAction: is required/);
    expect(error([POLICY('  validations:\n    - expression: "true"')]).message).toMatch(/matchConstraints is required/);
    expect(error([POLICY(DEPLOY_RULES)]).message).toMatch(/at least one of validations or auditAnnotations/);
  });

  it('reports inert policies and bindings instead of dropping them silently', () => {
    const problems: PolicyProblem[] = [];
    const loaded = load([POLICY(`${DEPLOY_RULES}\n  validations:\n    - expression: "true"`), BINDING('  validationActions: [Deny]', 'orphan', 'other')], (p) => problems.push(p));
    expect(loaded).toHaveLength(1);
    expect(problems.map((p) => p.message)).toEqual([
      'binding "orphan" names policy "other", which is not among the inputs; it is not evaluated',
      'policy "p" has no ValidatingAdmissionPolicyBinding; the API server does not enforce it, so it is not evaluated',
    ]);
    expect(problems[0]!.where).toBe('policy.yaml:16');
  });
});
