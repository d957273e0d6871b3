/** The console's work areas below the screen pop. */
export type WorkspaceTab = 'call' | 'orders' | 'dispatch' | 'returnVisits' | 'conflicts' | 'wallboard';
