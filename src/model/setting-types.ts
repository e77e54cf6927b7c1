/** The types a product setting may declare (`type:` in definition.yaml). */
export const SETTING_TYPES = ["string", "integer", "number", "boolean", "array", "object"] as const;
export type SettingType = (typeof SETTING_TYPES)[number];
