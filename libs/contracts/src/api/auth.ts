import { z } from 'zod';

const email = z.email().max(320).transform((v) => v.toLowerCase());

export const SignupBody = z.strictObject({
  email,
  password: z.string().min(8).max(200),
  full_name: z.string().trim().min(1).max(200).optional(),
});
export type SignupBody = z.infer<typeof SignupBody>;

export const TokenBody = z.strictObject({
  email,
  password: z.string().min(1).max(200),
});
export type TokenBody = z.infer<typeof TokenBody>;

export const AuthUser = z.object({ id: z.uuid(), email: z.string() });
export const TokenResponse = z.object({
  user: AuthUser,
  access_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.number().int(),
});
export type TokenResponse = z.infer<typeof TokenResponse>;
