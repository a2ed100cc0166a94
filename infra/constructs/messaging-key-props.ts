export interface MessagingKeyProps {
  /**
   * Alias of the key, without the `alias/` prefix.
   * @default - no alias
   */
  readonly aliasName?: string;
}
