// ESLint configuration of the addon's JavaScript (the browser tours under
// invoice_dispute/static/): ESLint's recommended rules plus the stricter ones
// OCA's addons repositories enforce. Run by scripts/lint.sh with the versions
// pinned in package.json / package-lock.json.
import js from "@eslint/js";
import globals from "globals";

export default [
    {
        ignores: ["node_modules/**", "**/static/lib/**"],
    },
    js.configs.recommended,
    {
        files: ["invoice_dispute/static/**/*.js"],
        languageOptions: {
            ecmaVersion: 2022,
            sourceType: "module",
            globals: {
                ...globals.browser,
                odoo: "readonly",
                owl: "readonly",
                luxon: "readonly",
            },
        },
        linterOptions: {
            reportUnusedDisableDirectives: "error",
        },
        rules: {
            "array-callback-return": "error",
            "block-scoped-var": "error",
            curly: "error",
            "default-case": "error",
            eqeqeq: ["error", "always"],
            "no-alert": "error",
            "no-caller": "error",
            "no-console": "error",
            "no-eval": "error",
            "no-implied-eval": "error",
            "no-implicit-globals": "error",
            "no-param-reassign": "error",
            "no-redeclare": "error",
            "no-return-assign": "error",
            "no-self-compare": "error",
            "no-shadow": "error",
            "no-throw-literal": "error",
            "no-unused-expressions": "error",
            "no-unused-vars": ["error", {args: "after-used"}],
            "no-use-before-define": "error",
            "no-var": "error",
            "prefer-const": "error",
            strict: "error",
            "valid-typeof": "error",
        },
    },
];
