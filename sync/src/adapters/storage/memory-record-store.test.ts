import { describeRecordStoreContract } from '../../ports/record-store.contract';
import { MemoryRecordStore } from './memory-record-store';

describeRecordStoreContract({ name: 'memory', open: () => MemoryRecordStore.open() });
