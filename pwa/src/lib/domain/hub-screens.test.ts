import { expect, test } from 'vitest';
import { HUB_ROLES, hubScreensFor } from './hub-screens';

test('who sees which screen at the hub', () => {
  expect(hubScreensFor('central_office')).toEqual(['dashboard', 'complaints', 'training']);
  expect(hubScreensFor('supervisor')).toEqual(['dashboard']);
  expect(hubScreensFor('administrator')).toEqual([
    'dashboard',
    'registry',
    'credit',
    'complaints',
    'training',
    'appliances',
    'users',
  ]);
  expect(hubScreensFor('technician')).toEqual(['appliances']);
  expect(hubScreensFor('registry_officer')).toEqual(['registry', 'credit', 'training']);
  expect(hubScreensFor('quality_inspector')).toEqual(['complaints']);
  expect(hubScreensFor('legal_consultant')).toEqual(['complaints']);
});

test('training and lectures are for the registry, the administrator and the analysts only', () => {
  const withTraining = HUB_ROLES.filter((role) => hubScreensFor(role).includes('training'));
  expect(withTraining.sort()).toEqual(['administrator', 'central_office', 'registry_officer']);
  expect(hubScreensFor('')).toEqual([]);
  expect(hubScreensFor('enterprise')).toEqual([]);
});
