/** Chatterbox's version: `chatterbox --version`, the health answer and the OpenAPI document. */
export const CHATTERBOX_VERSION = '0.1.0';
