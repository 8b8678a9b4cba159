import { Type } from 'typebox';
import { roles } from '../../db/schema/index.ts';
import { Nullable, StringEnum, Timestamp, Uuid } from '../../schemas.ts';

export const User = Type.Object({
  id: Uuid,
  username: Type.String(),
  displayName: Type.String(),
  role: StringEnum(roles),
  disabled: Type.Boolean(),
  lastLoginAt: Nullable(Timestamp),
  createdAt: Timestamp,
});

const Password = Type.String({
  minLength: 10,
  maxLength: 1000,
  description: 'At least 10 characters.',
});

export const CreateUser = Type.Object(
  {
    username: Type.String({ minLength: 2, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' }),
    displayName: Type.Optional(Type.String({ maxLength: 200 })),
    password: Password,
    role: StringEnum(roles),
  },
  { additionalProperties: false },
);

export const UpdateUser = Type.Object(
  {
    displayName: Type.Optional(Type.String({ maxLength: 200 })),
    password: Type.Optional(Password),
    role: Type.Optional(StringEnum(roles)),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
