/**
 * The architecture, enforced: data flows one way (protocols -> home model -> consumers) and the
 * protocol clients could be published on their own, so they may not reach up into Homebridge code.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make modules impossible to understand or test alone.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'protocols-know-no-homebridge',
      severity: 'error',
      comment: 'src/echonet and src/wisun are protocol clients: no Homebridge, HAP, MQTT or upper layers.',
      from: { path: '^src/(echonet|wisun)/' },
      to: { path: ['homebridge', 'hap-nodejs', '^src/(home|accessories|platform|scheduler|mqtt|store|cli|sim)/', 'node_modules/mqtt'] },
    },
    {
      name: 'echonet-is-the-bottom',
      severity: 'error',
      comment: 'The ECHONET Lite codec and controller depend only on util (wisun builds on echonet, not the reverse).',
      from: { path: '^src/echonet/' },
      to: { path: '^src/(?!echonet/|util/)' },
    },
    {
      name: 'util-depends-on-nothing',
      severity: 'error',
      from: { path: '^src/util/' },
      to: { path: '^src/(?!util/)' },
    },
    {
      name: 'runtime-code-does-not-import-dev-dependencies',
      severity: 'error',
      comment: 'homebridge, hap-nodejs and test tools are not installed for users at run time.',
      from: { path: '^src/', pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'], exportsFields: ['exports'], conditionNames: ['import', 'node', 'default'] },
  },
};
