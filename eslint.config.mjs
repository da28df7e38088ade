// Lint rules: typescript-eslint's type-checked recommendations, with
// no-floating-promises on, and no deep imports into another package's src/.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "shared/proto/src/gen/**", ".infra/**", ".bench/**", "**/*.js", "**/*.mjs", "**/*.cjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: "./tsconfig.check.json", tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { arguments: false } }],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@meetuphype/*/src/*", "**/shared/*/src/**", "**/services/*/src/**"],
              message: "import a package by its name (its src/index.ts), never its internals",
            },
          ],
        },
      ],
      "no-restricted-syntax": ["error", { selector: "TSEnumDeclaration", message: "use an `as const` object and a union type" }],
    },
  },
  {
    // The board's page runs in the browser: its own tsconfig (DOM types).
    files: ["services/board/page/**/*.ts"],
    languageOptions: {
      parserOptions: { project: "./services/board/page/tsconfig.json", tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: ["**/test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/unbound-method": "off",
    },
  },
);
