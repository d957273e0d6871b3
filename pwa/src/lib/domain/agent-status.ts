/**
 * mod_callcenter's words for a seat (`Available (On Demand)`, `In a queue call`) as i18n keys
 * (`available_on_demand`, `in_a_queue_call`): the switch speaks English, the console the user's language.
 */
export function agentWordKey(options: { word: string }): string {
  return options.word
    .toLowerCase()
    .replace(/[^a-z]+/g, '_')
    .replace(/^_|_$/g, '');
}
