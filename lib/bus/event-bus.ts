// Event bus port: EventBridge in AWS, an in-process bus locally. Both take the same event shape.
export interface BusEvent {
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  /** ISO instant; defaults to now. */
  time?: string;
  resources?: string[];
}

export interface PublishFailure {
  event: BusEvent;
  /** Index of the event in the published array. */
  index: number;
  errorCode: string;
  errorMessage: string;
}

export interface EventBus {
  /** Publishes the events, retrying transient failures; returns the ones that still failed. */
  publish(events: BusEvent[]): Promise<PublishFailure[]>;
}
