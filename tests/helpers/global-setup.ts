import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { migrateDatabase, openPostgres } from '../../server/db/client.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgTemplate: string | null;
  }
}

/**
 * With DATABASE_URL set, migrates one template database per run; each test file then gets a
 * fresh copy with CREATE DATABASE … TEMPLATE, which takes a few milliseconds.
 */
export default async function setup(project: TestProject) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    project.provide('pgTemplate', null);
    return;
  }
  const name = `sw_template_${randomBytes(4).toString('hex')}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const templateUrl = withDatabase(url, name);
  const template = await openPostgres(templateUrl, { max: 1 });
  await migrateDatabase(template, templateUrl);
  await template.close();
  project.provide('pgTemplate', name);
  return async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
