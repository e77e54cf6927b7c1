/**
 * The `cdktf.json` that `meshroom init` writes: `app` is what `cdktf synth` runs (`runs` says it
 * in the comment), and the comment says what works with Terraform's tools and what replaces them.
 */
export function cdktfJsonText(app: string, runs: string): string {
  return JSON.stringify(
    {
      "//": `\`cdktf synth\` runs ${runs} and writes cdktf.out/stacks/mesh/cdk.tf.json, meshroom's desired document. There is no Terraform provider for meshroom: terraform validate/plan/apply, \`cdktf diff\` and \`cdktf deploy\` do not work on it; review and apply the mesh with \`meshroom plan\` and \`meshroom apply\`.`,
      language: "typescript",
      app,
      output: "cdktf.out",
      codeMakerOutput: ".gen",
      terraformProviders: [],
      terraformModules: [],
      context: {},
    },
    null,
    2,
  ) + "\n";
}
